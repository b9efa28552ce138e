namespace ComponentSdk.Sasl;

/// <summary>TLS channel-binding data for SCRAM-*-PLUS (RFC 5929, RFC 9266).</summary>
/// <param name="Type">The binding type: <c>tls-unique</c>, <c>tls-server-end-point</c>, <c>tls-exporter</c>.</param>
/// <param name="Data">The binding data the TLS layer gives for that type.</param>
internal sealed record ChannelBinding(string Type, byte[] Data);
