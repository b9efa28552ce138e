using DotNetty.Buffers;

namespace ComponentSdk.Xml;

/// <summary>
/// A DotNetty message, emitted by <see cref="StanzaFramer"/> for the stream's opening tag (<c>&lt;stream:stream ...&gt;</c>), without
/// any XML declaration before it. The holder owns one reference to <see cref="DefaultByteBufferHolder.Content"/>.
/// </summary>
public sealed class StreamHeaderFrame : DefaultByteBufferHolder
{
    /// <summary>Wraps the bytes of the opening tag.</summary>
    public StreamHeaderFrame(IByteBuffer content) : base(content) { }

    /// <inheritdoc />
    public override IByteBufferHolder Replace(IByteBuffer content) => new StreamHeaderFrame(content);
}
