using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.Dispatch;

/// <summary>
/// Requests waiting for their reply, by id (PCJ's return_to_sender). Any top-level element carrying a pending id
/// is the reply, whatever its name, type or sender, and is delivered exactly once.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<XElement>> pending = new(StringComparer.Ordinal);
    private readonly string prefix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 6));
    private long counter;

    public int Count => pending.Count;

    public IReadOnlyCollection<string> Ids => pending.Keys.ToArray();

    /// <summary>
    /// Registers <paramref name="request"/>: a caller's id is kept unless it is already pending, in which case (as
    /// when there is none) a fresh unique id is set on the element.
    /// </summary>
    public (string Id, Task<XElement> Reply) Register(XElement request)
    {
        var completion = new TaskCompletionSource<XElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? id = request.Id();
        if (string.IsNullOrEmpty(id) || !pending.TryAdd(id, completion))
        {
            do id = NewId();
            while (!pending.TryAdd(id, completion));
            request.SetAttributeValue("id", id);
        }
        return (id, completion.Task);
    }

    /// <summary>Delivers <paramref name="reply"/> when its id is pending; false otherwise.</summary>
    public bool TryComplete(XElement reply)
    {
        string? id = reply.Id();
        if (id is null || !pending.TryRemove(id, out TaskCompletionSource<XElement>? completion)) return false;
        completion.TrySetResult(reply);
        return true;
    }

    public void Forget(string id) => pending.TryRemove(id, out _);

    /// <summary>Fails every pending request with <paramref name="error"/> (the connection is gone).</summary>
    public void FailAll(Exception error)
    {
        foreach (string id in pending.Keys)
        {
            if (pending.TryRemove(id, out TaskCompletionSource<XElement>? completion)) completion.TrySetException(error);
        }
    }

    private string NewId() => prefix + "-" + Interlocked.Increment(ref counter).ToString("x", CultureInfo.InvariantCulture);
}
