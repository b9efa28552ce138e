using System.Xml.Linq;

namespace ComponentSdk.Forms;

/// <summary>One field of a data form (XEP-0004 §3.2): its name, type, label, values and, for lists, options.</summary>
public sealed class FormField
{
    /// <summary>A field named <paramref name="var"/> (may be null only for <see cref="FieldType.Fixed"/>).</summary>
    public FormField(string? var, FieldType type = FieldType.TextSingle)
    {
        if (var is null && type != FieldType.Fixed) throw new ArgumentNullException(nameof(var), "Only a fixed field may have no var.");
        Var = var;
        Type = type;
    }

    /// <summary>The field's name; null only for a <see cref="FieldType.Fixed"/> field.</summary>
    public string? Var { get; }

    /// <summary>The field's type.</summary>
    public FieldType Type { get; }

    /// <summary>What a person sees as the field's name.</summary>
    public string? Label { get; set; }

    /// <summary>A longer description, such as help text.</summary>
    public string? Description { get; set; }

    /// <summary>The submitter must give a value.</summary>
    public bool Required { get; set; }

    /// <summary>The values: the default in a form, the answer in a submission.</summary>
    public List<string> Values { get; } = [];

    /// <summary>The choices of a list field.</summary>
    public List<FormOption> Options { get; } = [];

    /// <summary>The first value, or null; setting it replaces every value.</summary>
    public string? Value
    {
        get => Values.Count > 0 ? Values[0] : null;
        set
        {
            Values.Clear();
            if (value is not null) Values.Add(value);
        }
    }

    /// <summary>The value of a boolean field: true for <c>1</c> or <c>true</c>.</summary>
    public bool IsTrue => Value is "1" or "true";

    /// <summary>Sets the value and returns the field, for building forms in one expression.</summary>
    public FormField WithValue(string? value)
    {
        Value = value;
        return this;
    }

    /// <summary>The <c>&lt;field/&gt;</c> element.</summary>
    public XElement ToXml()
    {
        var field = new XElement(DataForm.Namespace + "field",
            Var is null ? null : new XAttribute("var", Var),
            new XAttribute("type", FieldTypes.ToXml(Type)),
            Label is null ? null : new XAttribute("label", Label));
        if (Description is not null) field.Add(new XElement(DataForm.Namespace + "desc", Description));
        if (Required) field.Add(new XElement(DataForm.Namespace + "required"));
        foreach (string value in Values) field.Add(new XElement(DataForm.Namespace + "value", value));
        foreach (FormOption option in Options)
            field.Add(new XElement(DataForm.Namespace + "option", option.Label is null ? null : new XAttribute("label", option.Label),
                new XElement(DataForm.Namespace + "value", option.Value)));
        return field;
    }

    /// <summary>Reads a <c>&lt;field/&gt;</c> element.</summary>
    /// <exception cref="FormatException">The element is not a field this model can hold.</exception>
    public static FormField Parse(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        FieldType type = FieldTypes.Parse((string?)element.Attribute("type"));
        string? var = (string?)element.Attribute("var");
        if (var is null && type != FieldType.Fixed) throw new FormatException("A field other than a fixed one has no 'var'.");
        var field = new FormField(var, type)
        {
            Label = (string?)element.Attribute("label"),
            Description = (string?)element.Element(DataForm.Namespace + "desc"),
            Required = element.Element(DataForm.Namespace + "required") is not null,
        };
        field.Values.AddRange(element.Elements(DataForm.Namespace + "value").Select(v => v.Value));
        field.Options.AddRange(element.Elements(DataForm.Namespace + "option")
            .Select(o => new FormOption((string?)o.Element(DataForm.Namespace + "value") ?? "", (string?)o.Attribute("label"))));
        return field;
    }

    /// <summary>A copy with the same definition and values.</summary>
    public FormField Clone()
    {
        var copy = new FormField(Var, Type) { Label = Label, Description = Description, Required = Required };
        copy.Values.AddRange(Values);
        copy.Options.AddRange(Options);
        return copy;
    }
}
