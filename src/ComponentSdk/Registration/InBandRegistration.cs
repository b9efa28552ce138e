using System.Xml.Linq;
using ComponentSdk.Forms;
using ComponentSdk.Xml;

namespace ComponentSdk.Registration;

/// <summary>
/// In-band registration (XEP-0077) with a component, the basis of gateways (XEP-0100): a <c>get</c> is answered with
/// the form (and its legacy fields), a <c>set</c> is checked against the form and handed to
/// <see cref="RegistrationOptions.Register"/>, and <c>&lt;remove/&gt;</c> to <see cref="RegistrationOptions.Unregister"/>.
/// A submission with errors is refused with <c>not-acceptable</c>, naming each field. <c>jabber:iq:register</c> is
/// advertised in disco#info.
/// </summary>
public sealed class InBandRegistration
{
    /// <summary><c>jabber:iq:register</c>.</summary>
    public static readonly XNamespace Namespace = "jabber:iq:register";

    // XEP-0077 §14.1: the fields older clients know by name.
    private static readonly HashSet<string> LegacyFields = new(StringComparer.Ordinal)
    {
        "username", "nick", "password", "name", "first", "last", "email", "address", "city", "state", "zip", "phone", "url", "date", "misc", "text", "key",
    };

    private readonly RegistrationOptions options;

    /// <summary>Answers registration requests to <paramref name="component"/> from now on.</summary>
    public InBandRegistration(Component component, RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Form.Type != FormType.Form) throw new ArgumentException("The registration form must be of type 'form'.", nameof(options));
        this.options = options;
        component.HandleIq("get", Namespace + "query", AnswerGetAsync);
        component.HandleIq("set", Namespace + "query", AnswerSetAsync);
    }

    private async ValueTask<XElement?> AnswerGetAsync(XElement iq, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(iq.From(), out Jid? from)) return iq.ErrorFor("bad-request", "modify", "The request has no valid sender.");
        DataForm? current = options.Find is null ? null : await options.Find(from.Bare, cancellationToken).ConfigureAwait(false);
        DataForm form = current ?? options.Form;
        var query = new XElement(Namespace + "query");
        if (current is not null) query.Add(new XElement(Namespace + "registered"));
        if (options.Instructions is not null) query.Add(new XElement(Namespace + "instructions", options.Instructions));
        foreach (FormField field in form.Fields.Where(f => f.Var is not null && LegacyFields.Contains(f.Var)))
            query.Add(new XElement(Namespace + field.Var!, field.Type == FieldType.TextPrivate ? null : field.Value));
        var x = form.ToXml();
        x.SetAttributeValue("type", "form");
        query.Add(x);
        return iq.ResultFor(query);
    }

    private async ValueTask<XElement?> AnswerSetAsync(XElement iq, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(iq.From(), out Jid? from)) return iq.ErrorFor("bad-request", "modify", "The request has no valid sender.");
        XElement query = iq.Element(Namespace + "query")!;
        if (query.Element(Namespace + "remove") is not null) return await RemoveAsync(iq, from, cancellationToken).ConfigureAwait(false);

        DataForm submission = Submission(query);
        if (options.Form.Validate(submission) is { Count: > 0 } errors)
            return iq.ErrorFor("not-acceptable", "modify", string.Join("; ", errors.Select(e => e.Message)));
        bool registered = options.Find is not null && await options.Find(from.Bare, cancellationToken).ConfigureAwait(false) is not null;
        RegistrationResult result = await options.Register(new RegistrationRequest(from, submission, registered, iq), cancellationToken).ConfigureAwait(false);
        return result.IsAccepted ? iq.ResultFor() : iq.ErrorFor(result.Condition!, ErrorType(result.Condition!), result.Text);
    }

    private async ValueTask<XElement> RemoveAsync(XElement iq, Jid from, CancellationToken cancellationToken)
    {
        if (options.Unregister is null) return iq.ErrorFor("not-allowed", text: "Registrations cannot be cancelled here.");
        return await options.Unregister(from.Bare, cancellationToken).ConfigureAwait(false)
            ? iq.ResultFor()
            : iq.ErrorFor("item-not-found", text: "You are not registered.");
    }

    /// <summary>The submitted form, or the legacy fields made into one.</summary>
    private static DataForm Submission(XElement query)
    {
        if (DataForm.FindIn(query) is { } form) return form;
        var legacy = new DataForm(FormType.Submit);
        foreach (XElement field in query.Elements().Where(e => e.Name.Namespace == Namespace && LegacyFields.Contains(e.Name.LocalName)))
            legacy.Fields.Add(new FormField(field.Name.LocalName).WithValue(field.Value));
        return legacy;
    }

    private static string ErrorType(string condition) => condition switch
    {
        "not-acceptable" or "bad-request" => "modify",
        "forbidden" or "not-authorized" => "auth",
        _ => "cancel",
    };
}
