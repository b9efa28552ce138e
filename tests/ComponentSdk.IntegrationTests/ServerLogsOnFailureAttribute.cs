using NUnit.Framework.Interfaces;

[assembly: ComponentSdk.IntegrationTests.ServerLogsOnFailure]

namespace ComponentSdk.IntegrationTests;

/// <summary>
/// After a failed test, writes the end of the shared servers' logs into that test's output, so that a failure caused
/// on a server's side can be read where the failure is reported.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ServerLogsOnFailureAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
    }

    public void AfterTest(ITest test)
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Failed) return;
        foreach (XmppServer server in Servers.Started) server.ReportLogs(TestContext.Out);
    }
}
