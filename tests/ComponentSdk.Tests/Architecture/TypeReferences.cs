using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace ComponentSdk.Tests.Architecture;

/// <summary>
/// The types a type uses, found by reflection: its base type and interfaces, the signatures of its fields,
/// properties, events and methods, its attributes, and every type, method and field its method bodies name (read
/// from the IL). Compiler-generated types (lambdas, async state machines) count as part of the type that declares them.
/// </summary>
internal static class TypeReferences
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The outermost type that declares <paramref name="type"/> (itself when it is not nested).</summary>
    public static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    /// <summary>Every type <paramref name="type"/> and the types nested in it use, generic arguments and element types unwrapped.</summary>
    public static HashSet<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        Collect(type, found);
        foreach (Type nested in type.GetNestedTypes(Declared)) found.UnionWith(Of(nested));
        return found;
    }

    private static void Collect(Type type, HashSet<Type> found)
    {
        Add(type.BaseType, found);
        foreach (Type i in type.GetInterfaces()) Add(i, found);
        foreach (CustomAttributeData a in type.CustomAttributes) Add(a.AttributeType, found);
        foreach (FieldInfo f in type.GetFields(Declared)) Add(f.FieldType, found);
        foreach (PropertyInfo p in type.GetProperties(Declared)) Add(p.PropertyType, found);
        foreach (EventInfo e in type.GetEvents(Declared)) Add(e.EventHandlerType, found);
        foreach (MethodBase m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType, found);
            foreach (ParameterInfo p in m.GetParameters()) Add(p.ParameterType, found);
            ScanBody(m, found);
        }
    }

    private static void ScanBody(MethodBase method, HashSet<Type> found)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return;
        foreach (LocalVariableInfo local in method.GetMethodBody()!.LocalVariables) Add(local.LocalType, found);
        Type[] typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : [];
        Type[] methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : [];
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos] == 0xFE ? (short)(0xFE00 | il[pos + 1]) : il[pos];
            OpCode op = OpCodesByValue[value];
            pos += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    int token = BitConverter.ToInt32(il, pos);
                    try
                    {
                        MemberInfo? member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                        switch (member)
                        {
                            case Type t: Add(t, found); break;
                            case FieldInfo f: Add(f.DeclaringType, found); Add(f.FieldType, found); break;
                            case MethodBase m:
                                Add(m.DeclaringType, found);
                                if (m is MethodInfo mi) Add(mi.ReturnType, found);
                                if (m.IsGenericMethod) foreach (Type g in m.GetGenericArguments()) Add(g, found);
                                break;
                        }
                    }
                    catch (ArgumentException)
                    {
                        // A token whose generic context cannot be resolved here; its declaring type is scanned on its own.
                    }
                    pos += 4;
                    break;
                case OperandType.InlineSwitch:
                    pos += 4 + BitConverter.ToInt32(il, pos) * 4;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineString or OperandType.InlineSig or OperandType.ShortInlineR:
                    pos += 4;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    pos += 8;
                    break;
                case OperandType.InlineVar:
                    pos += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    pos += 1;
                    break;
            }
        }
    }

    private static void Add(Type? type, HashSet<Type> found)
    {
        if (type is null) return;
        if (type.HasElementType)
        {
            Add(type.GetElementType(), found);
            return;
        }
        if (type.IsGenericParameter) return;
        if (type.IsGenericType)
        {
            foreach (Type a in type.GetGenericArguments()) Add(a, found);
            type = type.GetGenericTypeDefinition();
        }
        if (!found.Add(type)) return;
    }

    /// <summary>True for types the compiler made (closures, state machines, fixed buffers).</summary>
    public static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
}
