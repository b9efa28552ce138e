using ComponentSdk.Forms;

namespace ComponentSdk.Commands;

/// <summary>
/// A command handler's answer: a form to fill in (the session goes on) or the end (completed, with notes and an
/// optional result form). Make one with <see cref="Ask"/>, <see cref="Done"/> or <see cref="Fail"/>.
/// </summary>
public sealed class CommandResponse
{
    private CommandResponse(CommandStatus status, DataForm? form, bool last)
    {
        Status = status;
        Form = form;
        IsLastStage = last;
    }

    /// <summary>Whether the session goes on.</summary>
    public CommandStatus Status { get; }

    /// <summary>The form to fill in, or the result.</summary>
    public DataForm? Form { get; }

    /// <summary>For a form: submitting it completes the command (offers <c>complete</c> instead of <c>next</c>).</summary>
    public bool IsLastStage { get; }

    /// <summary>Notes shown with the answer.</summary>
    public List<CommandNote> Notes { get; } = [];

    /// <summary>A stage: asks for <paramref name="form"/>; <paramref name="last"/> when submitting it completes the command.</summary>
    public static CommandResponse Ask(DataForm form, bool last = false)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (form.Type != FormType.Form) throw new ArgumentException("A stage asks with a form of type 'form'.", nameof(form));
        return new CommandResponse(CommandStatus.Executing, form, last);
    }

    /// <summary>The end: completed, with an optional note and result form.</summary>
    public static CommandResponse Done(string? note = null, DataForm? result = null)
    {
        var response = new CommandResponse(CommandStatus.Completed, result, last: true);
        if (note is not null) response.Notes.Add(new CommandNote(NoteType.Info, note));
        return response;
    }

    /// <summary>The end, the command having failed: completed with an error note.</summary>
    public static CommandResponse Fail(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        var response = new CommandResponse(CommandStatus.Completed, null, last: true);
        response.Notes.Add(new CommandNote(NoteType.Error, error));
        return response;
    }

    /// <summary>Adds a note and returns the response.</summary>
    public CommandResponse WithNote(NoteType type, string text)
    {
        Notes.Add(new CommandNote(type, text));
        return this;
    }
}
