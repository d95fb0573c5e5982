using System.Globalization;
using Google.Protobuf.Reflection;

namespace FakeCri.Tests.Contract;

/// <summary>
/// Renders a compiled protobuf file descriptor in the record format of shared/cri/runtime-v1.tsv (see
/// shared/cri/README.md): rpcs, then top-level enums, then messages with their fields in declaration order,
/// nested enums and nested messages (map entries left out).
/// </summary>
internal static class DescriptorTsv
{
    public static IReadOnlyList<string> Render(FileDescriptor file)
    {
        var lines = new List<string> { Join("file", file.Package, file.ToProto().Syntax) };
        foreach (var service in file.Services)
        {
            foreach (var method in service.Methods)
            {
                var shape = (method.IsClientStreaming ? "stream" : "unary") + "->"
                    + (method.IsServerStreaming ? "stream" : "unary");
                lines.Add(Join("rpc", service.FullName, method.Name, method.InputType.FullName,
                    method.OutputType.FullName, shape));
            }
        }

        foreach (var enumType in file.EnumTypes)
        {
            RenderEnum(enumType, lines);
        }

        foreach (var message in file.MessageTypes)
        {
            RenderMessage(message, lines);
        }

        return lines;
    }

    private static void RenderEnum(EnumDescriptor enumType, List<string> lines)
    {
        lines.Add(Join("enum", enumType.FullName));
        foreach (var value in enumType.Values)
        {
            lines.Add(Join("value", enumType.FullName, value.Number.ToString(CultureInfo.InvariantCulture), value.Name));
        }
    }

    private static void RenderMessage(MessageDescriptor message, List<string> lines)
    {
        if (message.GetOptions()?.MapEntry == true)
        {
            return;
        }

        lines.Add(Join("message", message.FullName));
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            lines.Add(Join("field", message.FullName, field.FieldNumber.ToString(CultureInfo.InvariantCulture),
                field.Name, TypeOf(field), field.RealContainingOneof?.Name ?? "-"));
        }

        foreach (var nested in message.EnumTypes)
        {
            RenderEnum(nested, lines);
        }

        foreach (var nested in message.NestedTypes)
        {
            RenderMessage(nested, lines);
        }
    }

    private static string TypeOf(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            var entry = field.MessageType;
            return $"map<{ScalarOrNamed(entry.FindFieldByNumber(1))},{ScalarOrNamed(entry.FindFieldByNumber(2))}>";
        }

        return field.IsRepeated ? "repeated " + ScalarOrNamed(field) : ScalarOrNamed(field);
    }

    private static string ScalarOrNamed(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message or FieldType.Group => field.MessageType.FullName,
        FieldType.Enum => field.EnumType.FullName,
        FieldType.SFixed32 => "sfixed32",
        FieldType.SFixed64 => "sfixed64",
        FieldType.SInt32 => "sint32",
        FieldType.SInt64 => "sint64",
        FieldType.Fixed32 => "fixed32",
        FieldType.Fixed64 => "fixed64",
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    private static string Join(params string[] columns) => string.Join('\t', columns);
}
