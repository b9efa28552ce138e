namespace ComponentSdk.Forms;

/// <summary>The XML names of <see cref="FieldType"/>.</summary>
internal static class FieldTypes
{
    public static string ToXml(FieldType type) => type switch
    {
        FieldType.TextSingle => "text-single",
        FieldType.TextPrivate => "text-private",
        FieldType.TextMulti => "text-multi",
        FieldType.Boolean => "boolean",
        FieldType.Fixed => "fixed",
        FieldType.Hidden => "hidden",
        FieldType.JidSingle => "jid-single",
        FieldType.JidMulti => "jid-multi",
        FieldType.ListSingle => "list-single",
        FieldType.ListMulti => "list-multi",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static FieldType Parse(string? type) => type switch
    {
        null or "text-single" => FieldType.TextSingle,
        "text-private" => FieldType.TextPrivate,
        "text-multi" => FieldType.TextMulti,
        "boolean" => FieldType.Boolean,
        "fixed" => FieldType.Fixed,
        "hidden" => FieldType.Hidden,
        "jid-single" => FieldType.JidSingle,
        "jid-multi" => FieldType.JidMulti,
        "list-single" => FieldType.ListSingle,
        "list-multi" => FieldType.ListMulti,
        _ => throw new FormatException($"'{type}' is not a data form field type."),
    };

    /// <summary>Types that hold at most one value.</summary>
    public static bool IsSingle(FieldType type) => type is not (FieldType.TextMulti or FieldType.JidMulti or FieldType.ListMulti);
}
