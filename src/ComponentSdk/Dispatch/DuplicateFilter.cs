namespace ComponentSdk.Dispatch;

/// <summary>
/// Remembers the (sender, id) of the last <c>capacity</c> stanzas received, so that a stanza sent again after a
/// reconnect (acknowledged delivery re-sends what was not confirmed) is handled once. Stanzas without an id or a
/// sender are never taken for duplicates.
/// </summary>
internal sealed class DuplicateFilter(int capacity)
{
    private readonly HashSet<(string From, string Id)> seen = [];
    private readonly Queue<(string From, string Id)> order = new();
    private readonly object gate = new();

    /// <summary>True the first time a (sender, id) is seen within the window; false for a repeat.</summary>
    public bool IsFirst(string? from, string? id)
    {
        if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(id)) return true;
        var key = (from, id);
        lock (gate)
        {
            if (!seen.Add(key)) return false;
            order.Enqueue(key);
            if (order.Count > capacity) seen.Remove(order.Dequeue());
            return true;
        }
    }
}
