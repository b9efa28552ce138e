namespace ComponentSdk.Forms;

/// <summary>What a data form is for (XEP-0004 §3.1).</summary>
public enum FormType
{
    /// <summary>The form-processing entity asks for data.</summary>
    Form,

    /// <summary>The form-submitting entity sends the data it was asked for.</summary>
    Submit,

    /// <summary>The form-submitting entity declines to fill the form in.</summary>
    Cancel,

    /// <summary>The form-processing entity returns data (results, or a table of items).</summary>
    Result,
}
