namespace ComponentSdk.Forms;

/// <summary>The type of a data form field (XEP-0004 §3.3); a field without a type is <see cref="TextSingle"/>.</summary>
public enum FieldType
{
    /// <summary><c>text-single</c>: one line of text (the default).</summary>
    TextSingle,

    /// <summary><c>text-private</c>: one line of text shown obscured, such as a password.</summary>
    TextPrivate,

    /// <summary><c>text-multi</c>: several lines of text, one value per line.</summary>
    TextMulti,

    /// <summary><c>boolean</c>: <c>0</c>/<c>false</c> or <c>1</c>/<c>true</c>.</summary>
    Boolean,

    /// <summary><c>fixed</c>: text for the reader, not a value to fill in.</summary>
    Fixed,

    /// <summary><c>hidden</c>: a value the submitter returns unchanged (such as <c>FORM_TYPE</c>).</summary>
    Hidden,

    /// <summary><c>jid-single</c>: one JID.</summary>
    JidSingle,

    /// <summary><c>jid-multi</c>: several JIDs.</summary>
    JidMulti,

    /// <summary><c>list-single</c>: one of the options.</summary>
    ListSingle,

    /// <summary><c>list-multi</c>: any of the options.</summary>
    ListMulti,
}
