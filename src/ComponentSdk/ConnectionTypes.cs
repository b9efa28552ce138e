namespace ComponentSdk;

/// <summary>Names for <see cref="ConnectionType"/> values, which have aliases.</summary>
public static class ConnectionTypes
{
    /// <summary>The SDK's name of the type: Client, Legacy, Accept or Jabberd2.</summary>
    public static string ToDisplayName(this ConnectionType type) => type switch
    {
        ConnectionType.Client => "Client",
        ConnectionType.Legacy => "Legacy",
        ConnectionType.Accept => "Accept",
        ConnectionType.Jabberd2 => "Jabberd2",
        _ => ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>PCJ's constant name of the type, for example <c>JABBERD14_COMPONENT</c>.</summary>
    public static string ToPcjName(this ConnectionType type) => type switch
    {
        ConnectionType.Client => "XMPP",
        ConnectionType.Legacy => "LEGACY",
        ConnectionType.Accept => "JABBERD14_COMPONENT",
        ConnectionType.Jabberd2 => "JABBERD20_COMPONENT",
        _ => ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
