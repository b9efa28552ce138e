using Microsoft.Extensions.Options;

namespace ComponentSdk.Hosting;

/// <summary>Validates <see cref="ConnectionOptions"/> at start, naming each configuration key that is wrong.</summary>
internal sealed class ConnectionOptionsValidator(string sectionName) : IValidateOptions<ConnectionOptions>
{
    public string SectionName => sectionName;

    public ValidateOptionsResult Validate(string? name, ConnectionOptions options)
    {
        if (name != sectionName) return ValidateOptionsResult.Skip;
        IReadOnlyList<string> failures = options.GetFailures();
        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures.Select(f => $"{sectionName}:{f}"));
    }
}
