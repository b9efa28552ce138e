namespace ComponentSdk;

/// <summary>The <see cref="ConnectionOptions"/> are not usable; <see cref="Failures"/> names each option and what is wrong.</summary>
public sealed class InvalidConnectionOptionsException : ArgumentException
{
    /// <summary>Creates the exception from the list of failures.</summary>
    public InvalidConnectionOptionsException(IReadOnlyList<string> failures)
        : base("Invalid connection options: " + string.Join(" ", failures)) => Failures = failures;

    /// <summary>One sentence per problem, each naming the option, for example "Port must be between 1 and 65535.".</summary>
    public IReadOnlyList<string> Failures { get; }
}
