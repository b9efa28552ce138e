using System.Xml.Linq;
using ComponentSdk.Forms;

namespace ComponentSdk.Commands;

/// <summary>One request to a command, as its handler sees it.</summary>
public sealed class CommandRequest
{
    internal CommandRequest(Jid from, string node, string sessionId, CommandAction action, int stage, DataForm? form,
        IDictionary<string, object?> state, XElement iq)
    {
        From = from;
        Node = node;
        SessionId = sessionId;
        Action = action;
        Stage = stage;
        Form = form;
        State = state;
        Iq = iq;
    }

    /// <summary>Who runs the command (a full JID).</summary>
    public Jid From { get; }

    /// <summary>The command's node.</summary>
    public string Node { get; }

    /// <summary>The session's id, the same for every stage.</summary>
    public string SessionId { get; }

    /// <summary><see cref="CommandAction.Execute"/> for the first stage; <see cref="CommandAction.Next"/> or <see cref="CommandAction.Complete"/> after.</summary>
    public CommandAction Action { get; }

    /// <summary>0 for the first request, then 1, 2...: the number of forms the requester has submitted.</summary>
    public int Stage { get; }

    /// <summary>What the requester submitted, already checked against the form it answers; null at the first stage.</summary>
    public DataForm? Form { get; }

    /// <summary>The session's own data, kept between its stages.</summary>
    public IDictionary<string, object?> State { get; }

    /// <summary>The iq as received.</summary>
    public XElement Iq { get; }
}
