namespace ComponentSdk.Hosting;

/// <summary>A hosted component, as the rest of the host sees it.</summary>
internal interface IComponentService
{
    /// <summary>Completes when the component is ready the first time; never fails (a component that cannot connect stops the host).</summary>
    Task FirstReady { get; }
}
