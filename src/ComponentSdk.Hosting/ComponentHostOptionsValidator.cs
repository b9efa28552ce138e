using Microsoft.Extensions.Options;

namespace ComponentSdk.Hosting;

/// <summary>Validates <see cref="ComponentHostOptions"/> at start, naming each configuration key that is wrong.</summary>
internal sealed class ComponentHostOptionsValidator : IValidateOptions<ComponentHostOptions>
{
    public ValidateOptionsResult Validate(string? name, ComponentHostOptions options) =>
        options.GetFailures() is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
