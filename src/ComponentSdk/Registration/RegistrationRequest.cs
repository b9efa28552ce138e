using System.Xml.Linq;
using ComponentSdk.Forms;

namespace ComponentSdk.Registration;

/// <summary>A registration submitted to the component, already checked against its form.</summary>
public sealed class RegistrationRequest
{
    internal RegistrationRequest(Jid from, DataForm form, bool isUpdate, XElement iq)
    {
        From = from;
        Form = form;
        IsUpdate = isUpdate;
        Iq = iq;
    }

    /// <summary>Who registers (a full JID; registrations are usually kept by its bare JID).</summary>
    public Jid From { get; }

    /// <summary>What was submitted, as a form (legacy fields become fields of the same names).</summary>
    public DataForm Form { get; }

    /// <summary>True when the registrant was registered already: a change of its registration.</summary>
    public bool IsUpdate { get; }

    /// <summary>The iq as received.</summary>
    public XElement Iq { get; }
}
