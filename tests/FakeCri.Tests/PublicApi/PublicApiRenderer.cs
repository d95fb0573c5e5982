using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace FakeCri.Tests.PublicApi;

/// <summary>
/// Renders the public surface of an assembly as text, one C#-like line per type and member, deterministically sorted:
/// every type and member a consumer outside the assembly can see (public, and protected on unsealed types), with
/// modifiers, base type and interfaces, parameter names and default values, nullable annotations, <c>init</c> and
/// <c>required</c>. Compiler-generated members (a record's <c>&lt;Clone&gt;$</c>, <c>EqualityContract</c>, synthesized
/// <c>Equals</c>/<c>ToString</c>/<c>Deconstruct</c>/copy constructor) are left out: "record" on the type line stands
/// for them.
/// </summary>
public static class PublicApiRenderer
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void",
        [typeof(object)] = "object",
        [typeof(string)] = "string",
        [typeof(bool)] = "bool",
        [typeof(char)] = "char",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(nint)] = "nint",
        [typeof(nuint)] = "nuint",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
    };

    /// <summary>The rendered surface: types sorted by full name, each followed by its members, a blank line between types.</summary>
    public static string Render(Assembly assembly, IReadOnlyCollection<string> excludedNamespaces)
    {
        var types = assembly.GetTypes()
            .Where(IsVisible)
            .Where(t => !IsCompilerGenerated(t))
            .Where(t => !excludedNamespaces.Any(ns => t.Namespace == ns || (t.Namespace ?? "").StartsWith(ns + ".", StringComparison.Ordinal)))
            .OrderBy(t => TypeName(t), StringComparer.Ordinal);

        var text = new StringBuilder();
        foreach (var type in types)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(TypeLine(type)).Append('\n');
            foreach (var member in MemberLines(type))
            {
                text.Append("  ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static bool IsVisible(Type type) => type.IsNested
        ? (type.IsNestedPublic || ((type.IsNestedFamily || type.IsNestedFamORAssem) && !type.DeclaringType!.IsSealed))
            && IsVisible(type.DeclaringType!)
        : type.IsPublic;

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) || member.Name.Contains('<', StringComparison.Ordinal);

    private static bool IsVisible(MethodBase? method, Type declaringType) => method is not null
        && (method.IsPublic || ((method.IsFamily || method.IsFamilyOrAssembly) && !declaringType.IsSealed));

    private static bool IsVisible(FieldInfo field, Type declaringType) =>
        field.IsPublic || ((field.IsFamily || field.IsFamilyOrAssembly) && !declaringType.IsSealed);

    private static string Access(MethodBase method) => method.IsPublic ? "public" : "protected";

    private static string TypeLine(Type type)
    {
        var line = new StringBuilder();
        line.Append(Attributes(type));
        line.Append(type.IsNested && !type.IsNestedPublic ? "protected " : "public ");

        if (type.IsEnum)
        {
            var underlying = Enum.GetUnderlyingType(type);
            line.Append("enum ").Append(TypeName(type));
            if (underlying != typeof(int))
            {
                line.Append(" : ").Append(TypeName(underlying));
            }

            return line.ToString();
        }

        if (typeof(Delegate).IsAssignableFrom(type.BaseType))
        {
            var invoke = type.GetMethod("Invoke")!;
            return line.Append("delegate ").Append(ReturnType(invoke)).Append(' ').Append(TypeName(type))
                .Append(Parameters(invoke)).Append(Constraints(type.GetGenericArguments())).ToString();
        }

        var isRecord = type.GetMethod("PrintMembers", Declared) is { } printMembers && IsCompilerGenerated(printMembers);
        if (type.IsInterface)
        {
            line.Append("interface ");
        }
        else if (type.IsValueType)
        {
            line.Append(type.IsDefined(typeof(IsReadOnlyAttribute), false) ? "readonly " : "")
                .Append(type.IsByRefLike ? "ref " : "")
                .Append(isRecord ? "record struct " : "struct ");
        }
        else
        {
            line.Append(type switch
            {
                { IsAbstract: true, IsSealed: true } => "static ",
                { IsAbstract: true } => "abstract ",
                { IsSealed: true } => "sealed ",
                _ => "",
            }).Append(isRecord ? "record " : "class ");
        }

        line.Append(TypeName(type));
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType))
        {
            bases.Add(TypeName(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(i => IsVisible(i)).Select(i => TypeName(i)).Order(StringComparer.Ordinal));
        if (bases.Count > 0)
        {
            line.Append(" : ").AppendJoin(", ", bases);
        }

        return line.Append(Constraints(type.GetGenericArguments())).ToString();
    }

    private static IEnumerable<string> MemberLines(Type type)
    {
        if (type.IsEnum)
        {
            return type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .OrderBy(f => Convert.ToDecimal(f.GetRawConstantValue(), CultureInfo.InvariantCulture))
                .ThenBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => $"{Attributes(f)}{f.Name} = {Convert.ToString(f.GetRawConstantValue(), CultureInfo.InvariantCulture)}");
        }

        if (typeof(Delegate).IsAssignableFrom(type.BaseType))
        {
            return [];
        }

        var lines = new List<(int Order, string Name, string Line)>();
        foreach (var member in type.GetMembers(Declared).Where(m => !IsCompilerGenerated(m)))
        {
            switch (member)
            {
                case ConstructorInfo constructor when IsVisible(constructor, type) && !constructor.IsStatic:
                    lines.Add((0, member.Name, $"{Attributes(constructor)}{Access(constructor)} {type.Name.Split('`')[0]}{Parameters(constructor)}"));
                    break;
                case FieldInfo field when IsVisible(field, type):
                    lines.Add((1, member.Name, FieldLine(field)));
                    break;
                case PropertyInfo property when PropertyLine(property, type) is { } line:
                    lines.Add((2, member.Name, line));
                    break;
                case EventInfo @event when IsVisible(@event.AddMethod, type):
                    lines.Add((3, member.Name, $"{Attributes(@event)}{Access(@event.AddMethod!)} {Modifiers(@event.AddMethod!)}event {TypeName(@event.EventHandlerType!, new NullabilityInfoContext().Create(@event), @event)} {@event.Name}"));
                    break;
                case MethodInfo method when IsVisible(method, type) && !method.IsSpecialName:
                    lines.Add((4, member.Name, MethodLine(method)));
                    break;
                case MethodInfo method when IsVisible(method, type) && method.Name.StartsWith("op_", StringComparison.Ordinal):
                    lines.Add((5, member.Name, MethodLine(method)));
                    break;
                default:
                    break;
            }
        }

        return lines
            .OrderBy(l => l.Order)
            .ThenBy(l => l.Name, StringComparer.Ordinal)
            .ThenBy(l => l.Line, StringComparer.Ordinal)
            .Select(l => l.Line);
    }

    private static string FieldLine(FieldInfo field)
    {
        var access = field.IsPublic ? "public" : "protected";
        var type = TypeName(field.FieldType, new NullabilityInfoContext().Create(field), field);
        if (field.IsLiteral)
        {
            return $"{Attributes(field)}{access} const {type} {field.Name} = {Literal(field.GetRawConstantValue(), field.FieldType)}";
        }

        var modifiers = (field.IsStatic ? "static " : "") + (field.IsInitOnly ? "readonly " : "");
        return $"{Attributes(field)}{access} {modifiers}{type} {field.Name}";
    }

    private static string? PropertyLine(PropertyInfo property, Type type)
    {
        var getter = IsVisible(property.GetMethod, type) ? property.GetMethod : null;
        var setter = IsVisible(property.SetMethod, type) ? property.SetMethod : null;
        if (getter is null && setter is null)
        {
            return null;
        }

        var any = getter ?? setter!;
        var accessors = new List<string>();
        if (getter is not null)
        {
            accessors.Add(getter.IsPublic || setter?.IsPublic != true ? "get;" : "protected get;");
        }

        if (setter is not null)
        {
            var isInit = setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
            var keyword = isInit ? "init;" : "set;";
            accessors.Add(setter.IsPublic || getter?.IsPublic != true ? keyword : "protected " + keyword);
        }

        var access = getter?.IsPublic == true || setter?.IsPublic == true ? "public" : "protected";
        var required = property.IsDefined(typeof(RequiredMemberAttribute), false) ? "required " : "";
        var indexParameters = property.GetIndexParameters();
        var name = indexParameters.Length == 0
            ? property.Name
            : "this[" + string.Join(", ", indexParameters.Select(Parameter)) + "]";
        return $"{Attributes(property)}{access} {Modifiers(any)}{required}{TypeName(property.PropertyType, new NullabilityInfoContext().Create(property), property)} {name} {{ {string.Join(' ', accessors)} }}";
    }

    private static string MethodLine(MethodInfo method)
    {
        var name = method.Name;
        if (method.IsGenericMethodDefinition)
        {
            name += "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">";
        }

        return $"{Attributes(method)}{Access(method)} {Modifiers(method)}{ReturnType(method)} {name}{Parameters(method)}{Constraints(method.GetGenericArguments())}";
    }

    private static string Modifiers(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (method.DeclaringType!.IsInterface)
        {
            return method.IsAbstract ? "" : "virtual ";
        }

        var isOverride = method.GetBaseDefinition().DeclaringType != method.DeclaringType;
        return (method.IsAbstract, method.IsVirtual, method.IsFinal, isOverride) switch
        {
            (true, _, _, false) => "abstract ",
            (true, _, _, true) => "abstract override ",
            (_, true, true, true) => "sealed override ",
            (_, true, false, true) => "override ",
            (_, true, false, false) => "virtual ",
            _ => "",
        };
    }

    private static string ReturnType(MethodInfo method)
    {
        var returnType = method.ReturnType;
        var prefix = "";
        if (returnType.IsByRef)
        {
            prefix = method.ReturnParameter.IsDefined(typeof(IsReadOnlyAttribute), false) ? "ref readonly " : "ref ";
        }

        return prefix + TypeName(returnType, new NullabilityInfoContext().Create(method.ReturnParameter), method.ReturnParameter);
    }

    private static string Parameters(MethodBase method)
    {
        var isExtension = method.IsDefined(typeof(ExtensionAttribute), false);
        var parameters = method.GetParameters().Select((p, i) => (i == 0 && isExtension ? "this " : "") + Parameter(p));
        return "(" + string.Join(", ", parameters) + ")";
    }

    private static string Parameter(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var prefix = "";
        if (parameter.IsDefined(typeof(ParamArrayAttribute), false) || parameter.IsDefined(typeof(ParamCollectionAttribute), false))
        {
            prefix = "params ";
        }
        else if (type.IsByRef)
        {
            prefix = parameter.IsOut ? "out "
                : parameter.IsIn || parameter.IsDefined(typeof(IsReadOnlyAttribute), false) ? "in "
                : "ref ";
        }

        var text = $"{prefix}{TypeName(type, new NullabilityInfoContext().Create(parameter), parameter)} {parameter.Name}";
        if (parameter.HasDefaultValue)
        {
            text += " = " + Literal(parameter.RawDefaultValue, type.IsByRef ? type.GetElementType()! : type);
        }

        return text;
    }

    private static string Literal(object? value, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            null when underlying.IsValueType => "default",
            null => "null",
            string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
            char c => "'" + c + "'",
            bool b => b ? "true" : "false",
            _ when underlying.IsEnum => Enum.GetName(underlying, value) is { } name
                ? TypeName(underlying) + "." + name
                : "(" + TypeName(underlying) + ")" + Convert.ToString(value, CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    private static string Constraints(Type[] genericArguments)
    {
        var text = new StringBuilder();
        foreach (var argument in genericArguments.Where(a => a.IsGenericParameter))
        {
            var constraints = new List<string>();
            var attributes = argument.GenericParameterAttributes;
            if (attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("struct");
            }
            else if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
            {
                constraints.Add("class");
            }

            constraints.AddRange(argument.GetGenericParameterConstraints()
                .Where(c => c != typeof(ValueType))
                .Select(c => TypeName(c))
                .Order(StringComparer.Ordinal));
            if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint)
                && !attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("new()");
            }

            if (constraints.Count > 0)
            {
                text.Append(" where ").Append(argument.Name).Append(" : ").AppendJoin(", ", constraints);
            }
        }

        return text.ToString();
    }

    /// <summary>Only the attributes that change what a consumer may do: obsoletion and flags.</summary>
    private static string Attributes(MemberInfo member)
    {
        var text = new StringBuilder();
        // The compiler marks constructors of types with required members obsolete for old compilers: not API.
        if (member.GetCustomAttribute<ObsoleteAttribute>(inherit: false) is { } obsolete
            && !member.IsDefined(typeof(CompilerFeatureRequiredAttribute), inherit: false))
        {
            text.Append("[Obsolete(").Append(Literal(obsolete.Message, typeof(string)))
                .Append(obsolete.IsError ? ", error: true" : "").Append(")] ");
        }

        if (member is Type { IsEnum: true } type && type.IsDefined(typeof(FlagsAttribute), false))
        {
            text.Append("[Flags] ");
        }

        return text.ToString();
    }

    /// <summary>A type as declared on <paramref name="member"/>: with its nullable annotations and tuple element names.</summary>
    private static string TypeName(Type type, NullabilityInfo nullability, ICustomAttributeProvider member)
    {
        var names = member.GetCustomAttributes(typeof(TupleElementNamesAttribute), false)
            .OfType<TupleElementNamesAttribute>().FirstOrDefault()?.TransformNames;
        return TypeName(type, nullability, names is null ? null : new TupleNames(names));
    }

    private static string TypeName(Type type, NullabilityInfo? nullability = null, TupleNames? names = null)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!, nullability?.ElementType ?? nullability, names);
        }

        if (type.IsArray)
        {
            var rank = type.GetArrayRank();
            return TypeName(type.GetElementType()!, nullability?.ElementType, names)
                + "[" + new string(',', rank - 1) + "]" + NullableMark(nullability);
        }

        if (type.IsPointer)
        {
            return TypeName(type.GetElementType()!, null, names) + "*";
        }

        if (type.IsGenericParameter)
        {
            return type.Name + NullableMark(nullability);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying, nullability?.GenericTypeArguments.FirstOrDefault(), names) + "?";
        }

        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword + NullableMark(nullability);
        }

        var arguments = type.IsGenericType ? type.GetGenericArguments() : [];
        if (type.IsGenericType && type.Namespace == "System" && type.Name.StartsWith("ValueTuple`", StringComparison.Ordinal))
        {
            // Pre-order, as the compiler lists them: this tuple's element names, then those of tuples inside it.
            var elementNames = arguments.Select(_ => names?.Next()).ToList();
            var elements = arguments
                .Select((a, i) => TypeName(a, nullability?.GenericTypeArguments.ElementAtOrDefault(i), names)
                    + (elementNames[i] is { } elementName ? " " + elementName : ""))
                .ToList();
            return "(" + string.Join(", ", elements) + ")" + NullableMark(nullability);
        }

        var name = new StringBuilder();
        if (type.IsNested)
        {
            name.Append(TypeName(type.DeclaringType!)).Append('.');
        }
        else if (!string.IsNullOrEmpty(type.Namespace))
        {
            name.Append(type.Namespace).Append('.');
        }

        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        name.Append(tick < 0 ? type.Name : type.Name[..tick]);

        // Only the arguments this type adds (a nested type repeats its declaring type's).
        var inherited = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        if (arguments.Length > inherited)
        {
            var rendered = arguments.Skip(inherited)
                .Select((a, i) => TypeName(a, nullability?.GenericTypeArguments.ElementAtOrDefault(inherited + i), names))
                .ToList();
            name.Append('<').AppendJoin(", ", rendered).Append('>');
        }

        return name + NullableMark(nullability);
    }

    private static string NullableMark(NullabilityInfo? nullability) =>
        nullability is { ReadState: NullabilityState.Nullable } && !nullability.Type.IsValueType ? "?" : "";

    private sealed class TupleNames(IList<string?> names)
    {
        private int _next;

        public string? Next() => _next < names.Count ? names[_next++] : null;
    }
}
