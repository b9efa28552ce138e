using System.Reflection;
using ComponentSdk.Hosting;
using ComponentSdk.Testing;
using ComponentSdk.Xml;

namespace ComponentSdk.Tests.Architecture;

/// <summary>
/// DotNetty is how the SDK works, not what it offers: its types appear in the public API only in the codec layer (the
/// framer and the stanza codec, documented as DotNetty building blocks), never in Component, options, events,
/// hosting or testing. The API itself is tracked in each package's PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly Type[] CodecLayer = [typeof(StanzaFramer), typeof(XmlStanzaCodec), typeof(StreamHeaderFrame)];

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Test]
    public void DotNettyTypesAppearOnlyInTheCodecLayer()
    {
        Assembly[] packages = [typeof(Component).Assembly, typeof(ComponentHost).Assembly, typeof(LoopbackRouter).Assembly];
        string[] leaks = [.. packages.SelectMany(a => a.GetExportedTypes()).Where(t => !CodecLayer.Contains(t)).SelectMany(DotNettyIn)];
        Assert.That(leaks, Is.Empty);
    }

    [Test]
    public void TheCheckFindsDotNettyInTheCodecLayer()
    {
        Assert.That(DotNettyIn(typeof(XmlStanzaCodec)), Is.Not.Empty, "the check must see base types and member signatures");
    }

    private static IEnumerable<string> DotNettyIn(Type type)
    {
        var found = new List<string>();
        void Check(Type? used, string where)
        {
            if (used is null) return;
            if (used.HasElementType) Check(used.GetElementType(), where);
            if (used.IsGenericType) foreach (Type argument in used.GetGenericArguments()) Check(argument, where);
            if (used.Namespace?.StartsWith("DotNetty", StringComparison.Ordinal) == true) found.Add($"{type.FullName}.{where} uses {used.FullName}");
        }
        Check(type.BaseType, "(base type)");
        foreach (Type i in type.GetInterfaces()) Check(i, "(interface)");
        foreach (MemberInfo member in type.GetMembers(Declared).Where(IsVisible))
        {
            switch (member)
            {
                case MethodBase method:
                    if (method is MethodInfo m) Check(m.ReturnType, member.Name);
                    foreach (ParameterInfo p in method.GetParameters()) Check(p.ParameterType, member.Name);
                    break;
                case PropertyInfo property: Check(property.PropertyType, member.Name); break;
                case FieldInfo field: Check(field.FieldType, member.Name); break;
                case EventInfo e: Check(e.EventHandlerType, member.Name); break;
            }
        }
        return found.Distinct();
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => new[] { p.GetMethod, p.SetMethod }.Any(a => a is not null && IsVisible(a)),
        EventInfo e => e.AddMethod is { } add && IsVisible(add),
        _ => false,
    };
}
