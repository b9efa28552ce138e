using System.Text;
using ComponentSdk.Transport;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace ComponentSdk.Tests.Protocols;

/// <summary>The pipeline of a connection on an <see cref="EmbeddedChannel"/>: bytes in, bytes out, no socket.</summary>
internal sealed class StageHarness
{
    public StageHarness(ConnectionOptions options, Func<ConnectionContext, IChannelHandler> negotiation, StreamManagementSession? resumable = null)
    {
        Context = new ConnectionContext(options, Observer, NullLogger.Instance, options.Login.Resource ?? (options.ConnectionType == ConnectionType.Legacy ? "generated-resource" : null), resumable);
        // Named as in a real connection: stream restarts find the framer and codec by name.
        Channel = new EmbeddedChannel(new ActionChannelInitializer<IChannel>(channel =>
        {
            channel.Pipeline.AddLast(PipelineNames.Framer, new StanzaFramer(Context.Limits));
            channel.Pipeline.AddLast(PipelineNames.Codec, new XmlStanzaCodec());
            channel.Pipeline.AddLast(PipelineNames.Events, new StreamEventsHandler(Context));
            channel.Pipeline.AddLast(PipelineNames.Negotiation, negotiation(Context));
            if (options.ConnectionType == ConnectionType.Client) channel.Pipeline.AddLast(PipelineNames.StreamManagement, new StreamManagementHandler(Context));
            channel.Pipeline.AddLast(PipelineNames.Dispatch, new DispatchHandler(Context));
        }));
    }

    public RecordingObserver Observer { get; } = new();

    public ConnectionContext Context { get; }

    public EmbeddedChannel Channel { get; }

    public void Receive(string xml)
    {
        Channel.WriteInbound(Unpooled.CopiedBuffer(Encoding.UTF8.GetBytes(xml)));
        Channel.RunPendingTasks();
    }

    /// <summary>Everything written so far, as one string.</summary>
    public string Sent()
    {
        var text = new StringBuilder();
        object? message;
        while ((message = Channel.ReadOutbound<object>()) is not null)
        {
            if (message is IByteBuffer buffer)
            {
                text.Append(buffer.ToString(Encoding.UTF8));
                buffer.Release();
            }
        }
        return text.ToString();
    }

    public IEnumerable<ConnectionStatus> Statuses => Observer.Statuses.Select(s => s.Status);
}
