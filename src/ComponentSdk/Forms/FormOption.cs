namespace ComponentSdk.Forms;

/// <summary>One choice of a list field: the value submitted and, optionally, the label shown.</summary>
public sealed record FormOption(string Value, string? Label = null);
