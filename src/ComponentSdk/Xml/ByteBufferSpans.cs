using DotNetty.Buffers;

namespace ComponentSdk.Xml;

/// <summary>Reads the bytes of an <see cref="IByteBuffer"/> as a span without copying when it is array-backed.</summary>
internal static class ByteBufferSpans
{
    public static ReadOnlySpan<byte> Readable(IByteBuffer buffer, int length)
    {
        if (buffer.HasArray)
            return new ReadOnlySpan<byte>(buffer.Array, buffer.ArrayOffset + buffer.ReaderIndex, length);
        ArraySegment<byte> segment = buffer.GetIoBuffer(buffer.ReaderIndex, length);
        return segment.AsSpan();
    }

    public static ReadOnlySpan<byte> Readable(IByteBuffer buffer) => Readable(buffer, buffer.ReadableBytes);
}
