namespace ComponentSdk.Forms;

/// <summary>Why a submitted field does not satisfy the form's definition: the field's <c>var</c> and the reason in words.</summary>
public sealed record FieldError(string Var, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Var}: {Message}";
}
