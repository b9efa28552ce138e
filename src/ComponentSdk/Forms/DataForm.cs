using System.Xml.Linq;

namespace ComponentSdk.Forms;

/// <summary>
/// A data form (XEP-0004): a form to fill in, a submission, a cancellation, or a result, possibly a table of items.
/// Parse one with <see cref="Parse"/>, write one with <see cref="ToXml"/>, and check a submission against the form
/// that asked for it with <see cref="Validate"/>.
/// </summary>
public sealed class DataForm
{
    /// <summary><c>jabber:x:data</c>.</summary>
    public static readonly XNamespace Namespace = "jabber:x:data";

    /// <summary>A form of the given type.</summary>
    public DataForm(FormType type = FormType.Form) => Type = type;

    /// <summary>What the form is for.</summary>
    public FormType Type { get; set; }

    /// <summary>The form's title.</summary>
    public string? Title { get; set; }

    /// <summary>Instructions, one entry per paragraph.</summary>
    public List<string> Instructions { get; } = [];

    /// <summary>The fields, in order.</summary>
    public List<FormField> Fields { get; } = [];

    /// <summary>For a result table: the columns (fields without values).</summary>
    public List<FormField> Reported { get; } = [];

    /// <summary>For a result table: the rows, each a list of fields with values.</summary>
    public List<IReadOnlyList<FormField>> Items { get; } = [];

    /// <summary>The value of the hidden <c>FORM_TYPE</c> field, or null.</summary>
    public string? FormTypeName => this["FORM_TYPE"]?.Value;

    /// <summary>The field named <paramref name="var"/>, or null.</summary>
    public FormField? this[string var] => Fields.Find(f => f.Var == var);

    /// <summary>The first value of the field named <paramref name="var"/>, or null.</summary>
    public string? ValueOf(string var) => this[var]?.Value;

    /// <summary>Every value of the field named <paramref name="var"/> (none when there is no such field).</summary>
    public IReadOnlyList<string> ValuesOf(string var) => this[var]?.Values ?? [];

    /// <summary>Adds a field and returns the form, for building forms in one expression.</summary>
    public DataForm Add(FormField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        Fields.Add(field);
        return this;
    }

    /// <summary>
    /// A submission of this form with its current values (fixed fields left out), for the one who fills it in: set
    /// values on the form first, or on the submission's fields.
    /// </summary>
    public DataForm ToSubmission()
    {
        var submission = new DataForm(FormType.Submit);
        foreach (FormField field in Fields.Where(f => f.Type != FieldType.Fixed))
        {
            var answer = new FormField(field.Var, field.Type);
            answer.Values.AddRange(field.Values);
            submission.Fields.Add(answer);
        }
        return submission;
    }

    /// <summary>The <c>&lt;x xmlns='jabber:x:data'/&gt;</c> element.</summary>
    public XElement ToXml()
    {
        var x = new XElement(Namespace + "x", new XAttribute("type", Type.ToString().ToLowerInvariant()));
        if (Title is not null) x.Add(new XElement(Namespace + "title", Title));
        foreach (string instruction in Instructions) x.Add(new XElement(Namespace + "instructions", instruction));
        foreach (FormField field in Fields) x.Add(field.ToXml());
        if (Reported.Count > 0) x.Add(new XElement(Namespace + "reported", Reported.Select(f => f.ToXml())));
        foreach (IReadOnlyList<FormField> item in Items) x.Add(new XElement(Namespace + "item", item.Select(f => f.ToXml())));
        return x;
    }

    /// <summary>Reads an <c>&lt;x xmlns='jabber:x:data'/&gt;</c> element.</summary>
    /// <exception cref="FormatException">It is not a data form, or a field in it is malformed.</exception>
    public static DataForm Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Name != Namespace + "x") throw new FormatException($"<{element.Name.LocalName} xmlns='{element.Name.NamespaceName}'> is not a data form.");
        FormType type = (string?)element.Attribute("type") switch
        {
            "form" => FormType.Form,
            "submit" => FormType.Submit,
            "cancel" => FormType.Cancel,
            "result" => FormType.Result,
            var other => throw new FormatException($"'{other}' is not a data form type."),
        };
        var form = new DataForm(type) { Title = (string?)element.Element(Namespace + "title") };
        form.Instructions.AddRange(element.Elements(Namespace + "instructions").Select(i => i.Value));
        form.Fields.AddRange(element.Elements(Namespace + "field").Select(FormField.Parse));
        if (element.Element(Namespace + "reported") is { } reported) form.Reported.AddRange(reported.Elements(Namespace + "field").Select(FormField.Parse));
        foreach (XElement item in element.Elements(Namespace + "item")) form.Items.Add([.. item.Elements(Namespace + "field").Select(FormField.Parse)]);
        return form;
    }

    /// <summary>The first data form among <paramref name="parent"/>'s children, or null (also when it is malformed).</summary>
    public static DataForm? FindIn(XElement? parent)
    {
        if (parent?.Element(Namespace + "x") is not { } x) return null;
        try
        {
            return Parse(x);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks <paramref name="submission"/> against this form's definition: required fields have a value, single-value
    /// fields have at most one, booleans are booleans, JIDs are JIDs, list values are among the options, hidden fields
    /// come back unchanged. Fields the form does not define are ignored. Returns the problems, none when it is valid.
    /// </summary>
    public IReadOnlyList<FieldError> Validate(DataForm submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var errors = new List<FieldError>();
        if (submission.Type != FormType.Submit)
        {
            errors.Add(new FieldError("", $"the form was not submitted (its type is '{submission.Type.ToString().ToLowerInvariant()}')"));
            return errors;
        }
        foreach (FormField defined in Fields.Where(f => f.Var is not null && f.Type != FieldType.Fixed))
        {
            string var = defined.Var!;
            string label = defined.Label ?? var;
            List<string> values = submission[var]?.Values.Where(v => v.Length > 0).ToList() ?? [];
            if (values.Count == 0)
            {
                if (defined.Required) errors.Add(new FieldError(var, $"{label} is required"));
                continue;
            }
            if (FieldTypes.IsSingle(defined.Type) && values.Count > 1) errors.Add(new FieldError(var, $"{label} takes one value, not {values.Count}"));
            switch (defined.Type)
            {
                case FieldType.Boolean when values.Any(v => v is not ("0" or "1" or "true" or "false")):
                    errors.Add(new FieldError(var, $"{label} must be true or false"));
                    break;
                case FieldType.JidSingle or FieldType.JidMulti when values.FirstOrDefault(v => !Jid.TryParse(v, out _)) is { } bad:
                    errors.Add(new FieldError(var, $"{label}: '{bad}' is not a valid JID"));
                    break;
                case FieldType.ListSingle or FieldType.ListMulti when values.FirstOrDefault(v => !defined.Options.Any(o => o.Value == v)) is { } unknown:
                    errors.Add(new FieldError(var, $"{label}: '{unknown}' is not one of the options"));
                    break;
                case FieldType.Hidden when !values.SequenceEqual(defined.Values):
                    errors.Add(new FieldError(var, $"{var} must come back unchanged"));
                    break;
            }
        }
        return errors;
    }
}
