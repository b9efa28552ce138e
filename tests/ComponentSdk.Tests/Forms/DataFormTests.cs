using System.Xml.Linq;
using ComponentSdk.Forms;

namespace ComponentSdk.Tests.Forms;

public class DataFormTests
{
    private static DataForm Definition() => new DataForm { Title = "Sign up", Instructions = { "Fill this in." } }
        .Add(new FormField("FORM_TYPE", FieldType.Hidden).WithValue("urn:example:signup"))
        .Add(new FormField(null, FieldType.Fixed).WithValue("About you"))
        .Add(new FormField("name") { Label = "Name", Required = true })
        .Add(new FormField("password", FieldType.TextPrivate) { Required = true })
        .Add(new FormField("notify", FieldType.Boolean).WithValue("1"))
        .Add(new FormField("owner", FieldType.JidSingle))
        .Add(new FormField("friends", FieldType.JidMulti))
        .Add(new FormField("about", FieldType.TextMulti))
        .Add(new FormField("color", FieldType.ListSingle) { Options = { new FormOption("red", "Red"), new FormOption("blue") } })
        .Add(new FormField("days", FieldType.ListMulti) { Options = { new FormOption("mon"), new FormOption("tue") } });

    [Test]
    public void EveryFieldTypeSurvivesWritingAndParsing()
    {
        DataForm form = Definition();
        form["about"]!.Values.AddRange(["line one", "line two"]);
        form["name"]!.Description = "As others see it";
        XElement xml = form.ToXml();

        DataForm parsed = DataForm.Parse(XElement.Parse(xml.ToString()));

        Assert.That(parsed.Type, Is.EqualTo(FormType.Form));
        Assert.That(parsed.Title, Is.EqualTo("Sign up"));
        Assert.That(parsed.Instructions, Is.EqualTo(new[] { "Fill this in." }));
        Assert.That(parsed.FormTypeName, Is.EqualTo("urn:example:signup"));
        Assert.That(parsed.Fields.Select(f => f.Type), Is.EqualTo(form.Fields.Select(f => f.Type)));
        Assert.That(parsed.Fields.Select(f => f.Var), Is.EqualTo(form.Fields.Select(f => f.Var)));
        Assert.That(parsed["name"]!.Required, Is.True);
        Assert.That(parsed["name"]!.Label, Is.EqualTo("Name"));
        Assert.That(parsed["name"]!.Description, Is.EqualTo("As others see it"));
        Assert.That(parsed.ValuesOf("about"), Is.EqualTo(new[] { "line one", "line two" }));
        Assert.That(parsed["color"]!.Options, Is.EqualTo(new[] { new FormOption("red", "Red"), new FormOption("blue") }));
        Assert.That(xml.Elements(DataForm.Namespace + "field").First(f => (string?)f.Attribute("var") == "password").Attribute("type")!.Value, Is.EqualTo("text-private"));
    }

    [Test]
    public void AFieldWithoutATypeIsTextSingleAndAnUnknownTypeIsAFormatError()
    {
        XElement untyped = XElement.Parse("<x xmlns='jabber:x:data' type='submit'><field var='a'><value>1</value></field></x>");
        Assert.That(DataForm.Parse(untyped)["a"]!.Type, Is.EqualTo(FieldType.TextSingle));
        XElement unknown = XElement.Parse("<x xmlns='jabber:x:data' type='form'><field var='a' type='colour-picker'/></x>");
        Assert.That(() => DataForm.Parse(unknown), Throws.TypeOf<FormatException>().With.Message.Contains("colour-picker"));
        Assert.That(DataForm.FindIn(new XElement("query", unknown)), Is.Null, "FindIn tolerates a malformed form");
        Assert.That(() => DataForm.Parse(new XElement("x")), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void AResultTableKeepsItsColumnsAndRows()
    {
        var table = new DataForm(FormType.Result) { Reported = { new FormField("jid", FieldType.JidSingle) { Label = "User" } } };
        table.Items.Add([new FormField("jid", FieldType.JidSingle).WithValue("alice@localhost")]);
        table.Items.Add([new FormField("jid", FieldType.JidSingle).WithValue("bob@localhost")]);
        DataForm parsed = DataForm.Parse(table.ToXml());
        Assert.That(parsed.Reported.Single().Label, Is.EqualTo("User"));
        Assert.That(parsed.Items.Select(row => row.Single().Value), Is.EqualTo(new[] { "alice@localhost", "bob@localhost" }));
    }

    [Test]
    public void AValidSubmissionHasNoErrors()
    {
        DataForm form = Definition();
        DataForm submission = form.ToSubmission();
        submission["name"]!.Value = "Alice";
        submission["password"]!.Value = "secret";
        submission["owner"]!.Value = "alice@localhost";
        submission["friends"]!.Values.AddRange(["bob@localhost", "carol@localhost/phone"]);
        submission["color"]!.Value = "blue";
        submission["days"]!.Values.AddRange(["mon", "tue"]);

        Assert.That(form.Validate(DataForm.Parse(submission.ToXml())), Is.Empty);
        Assert.That(submission.Fields.Any(f => f.Type == FieldType.Fixed), Is.False, "fixed fields are not submitted");
    }

    [Test]
    public void EachBrokenRuleIsNamedByField()
    {
        DataForm form = Definition();
        DataForm submission = form.ToSubmission();
        submission["FORM_TYPE"]!.Value = "urn:other";
        submission["name"]!.Value = "";
        submission["notify"]!.Value = "yes";
        submission["owner"]!.Values.AddRange(["a@localhost", "b@localhost"]);
        submission["friends"]!.Values.Add("not a jid@@");
        submission["color"]!.Value = "green";
        submission["days"]!.Values.Add("sun");

        IReadOnlyList<FieldError> errors = form.Validate(submission);

        Assert.That(errors.Select(e => e.Var), Is.EquivalentTo(new[] { "FORM_TYPE", "name", "password", "notify", "owner", "friends", "color", "days" }));
        Assert.That(errors.Single(e => e.Var == "name").Message, Is.EqualTo("Name is required"));
        Assert.That(errors.Single(e => e.Var == "color").Message, Does.Contain("'green' is not one of the options"));
        Assert.That(errors.Single(e => e.Var == "owner").Message, Does.Contain("one value, not 2"));
    }

    [Test]
    public void ACancelIsNotASubmission()
    {
        Assert.That(Definition().Validate(new DataForm(FormType.Cancel)), Has.Count.EqualTo(1));
    }
}
