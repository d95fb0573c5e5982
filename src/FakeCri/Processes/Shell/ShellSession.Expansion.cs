using System.Globalization;
using System.Text;

namespace FakeCri.Processes.Shell;

internal sealed partial class ShellSession
{
    /// <summary>Expands words into fields: parameters, command substitution, arithmetic, then field splitting.</summary>
    public async Task<List<string>> ExpandWordsAsync(IReadOnlyList<Word> words)
    {
        var fields = new List<string>();
        foreach (var word in words)
        {
            fields.AddRange(await ExpandWordAsync(word).ConfigureAwait(false));
        }

        return fields;
    }

    /// <summary>Expands one word without field splitting (assignments, redirection targets, case words).</summary>
    public async Task<string> ExpandToStringAsync(Word word)
    {
        var text = new StringBuilder();
        foreach (var part in word.Parts)
        {
            text.Append(await ExpandPartAsync(part).ConfigureAwait(false));
        }

        return text.ToString();
    }

    private async Task<List<string>> ExpandWordAsync(Word word)
    {
        // "$@" in double quotes is the one expansion that makes several fields out of a quoted word.
        if (word.Parts.Count == 1 && word.Parts[0] is ParameterPart { Name: "@", Quoted: true, Operator: null, Length: false })
        {
            return [.. _positional];
        }

        var fields = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        foreach (var part in word.Parts)
        {
            var value = await ExpandPartAsync(part).ConfigureAwait(false);
            if (part.Quoted || part is LiteralPart)
            {
                current.Append(value);
                hasContent = true;
                continue;
            }

            // Unquoted expansion results are split on IFS whitespace.
            var ifs = _variables.GetValueOrDefault("IFS", " \t\n");
            var pieces = value.Split(ifs.ToCharArray());
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i > 0)
                {
                    if (current.Length > 0 || hasContent)
                    {
                        fields.Add(current.ToString());
                    }

                    current.Clear();
                    hasContent = false;
                }

                if (pieces[i].Length > 0)
                {
                    current.Append(pieces[i]);
                    hasContent = true;
                }
            }
        }

        if (current.Length > 0 || hasContent)
        {
            fields.Add(current.ToString());
        }

        return fields;
    }

    private async Task<string> ExpandPartAsync(WordPart part) => part switch
    {
        LiteralPart literal => literal.Text,
        ParameterPart parameter => await ExpandParameterAsync(parameter).ConfigureAwait(false),
        CommandSubstitutionPart substitution => await SubstituteAsync(substitution.Command).ConfigureAwait(false),
        ArithmeticPart arithmetic => Evaluate(arithmetic.Expression).ToString(CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    private async Task<string> ExpandParameterAsync(ParameterPart parameter)
    {
        var value = Lookup(parameter.Name);
        if (parameter.Length)
        {
            return (value ?? string.Empty).Length.ToString(CultureInfo.InvariantCulture);
        }

        var unsetOrEmpty = string.IsNullOrEmpty(value);
        var unset = value is null;
        switch (parameter.Operator)
        {
            case ":-" when unsetOrEmpty:
            case "-" when unset:
                return parameter.Argument is null ? string.Empty : await ExpandToStringAsync(parameter.Argument).ConfigureAwait(false);
            case ":=" when unsetOrEmpty:
            case "=" when unset:
                var assigned = parameter.Argument is null ? string.Empty : await ExpandToStringAsync(parameter.Argument).ConfigureAwait(false);
                _variables[parameter.Name] = assigned;
                return assigned;
            case ":+" when !unsetOrEmpty:
            case "+" when !unset:
                return parameter.Argument is null ? string.Empty : await ExpandToStringAsync(parameter.Argument).ConfigureAwait(false);
            case ":+":
            case "+":
                return string.Empty;
            default:
                return value ?? string.Empty;
        }
    }

    private string? Lookup(string name)
    {
        switch (name)
        {
            case "?":
                return LastStatus.ToString(CultureInfo.InvariantCulture);
            case "$":
                return _shellPid.ToString(CultureInfo.InvariantCulture);
            case "#":
                return _positional.Count.ToString(CultureInfo.InvariantCulture);
            case "@" or "*":
                return string.Join(' ', _positional);
            case "0":
                return _name;
            case "!":
                return _variables.GetValueOrDefault("!", string.Empty);
        }

        if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, out var index))
        {
            return index >= 1 && index <= _positional.Count ? _positional[index - 1] : null;
        }

        return _variables.GetValueOrDefault(name);
    }

    private async Task<string> SubstituteAsync(CommandList command)
    {
        var saved = Streams;
        var capture = new CapturedOutput();
        Streams = saved with { Stdout = capture };
        try
        {
            await ExecuteAsync(command).ConfigureAwait(false);
        }
        finally
        {
            Streams = saved;
        }

        return capture.ToString().TrimEnd('\n');
    }

    /// <summary>Integer arithmetic for <c>$((...))</c>: + - * / % comparisons, parentheses, variables.</summary>
    private long Evaluate(string expression)
    {
        var position = 0;
        try
        {
            var value = ParseComparison(expression, ref position);
            SkipSpaces(expression, ref position);
            return position == expression.Length ? value : throw new FormatException();
        }
        catch (Exception error) when (error is FormatException or DivideByZeroException or OverflowException)
        {
            Streams.Stderr.Write($"sh: arithmetic syntax error: {expression}\n");
            throw new ShellExitException(2);
        }
    }

    private long ParseComparison(string text, ref int position)
    {
        var left = ParseSum(text, ref position);
        SkipSpaces(text, ref position);
        foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
        {
            if (string.CompareOrdinal(text, position, op, 0, op.Length) == 0)
            {
                position += op.Length;
                var right = ParseSum(text, ref position);
                return op switch
                {
                    "==" => left == right ? 1 : 0,
                    "!=" => left != right ? 1 : 0,
                    "<=" => left <= right ? 1 : 0,
                    ">=" => left >= right ? 1 : 0,
                    "<" => left < right ? 1 : 0,
                    _ => left > right ? 1 : 0,
                };
            }
        }

        return left;
    }

    private long ParseSum(string text, ref int position)
    {
        var value = ParseProduct(text, ref position);
        while (true)
        {
            SkipSpaces(text, ref position);
            if (position < text.Length && text[position] is '+' or '-')
            {
                var op = text[position++];
                var right = ParseProduct(text, ref position);
                value = op == '+' ? checked(value + right) : checked(value - right);
            }
            else
            {
                return value;
            }
        }
    }

    private long ParseProduct(string text, ref int position)
    {
        var value = ParseUnary(text, ref position);
        while (true)
        {
            SkipSpaces(text, ref position);
            if (position < text.Length && text[position] is '*' or '/' or '%')
            {
                var op = text[position++];
                var right = ParseUnary(text, ref position);
                value = op switch
                {
                    '*' => checked(value * right),
                    '/' => value / right,
                    _ => value % right,
                };
            }
            else
            {
                return value;
            }
        }
    }

    private long ParseUnary(string text, ref int position)
    {
        SkipSpaces(text, ref position);
        if (position >= text.Length)
        {
            throw new FormatException();
        }

        if (text[position] == '-')
        {
            position++;
            return -ParseUnary(text, ref position);
        }

        if (text[position] == '+')
        {
            position++;
            return ParseUnary(text, ref position);
        }

        if (text[position] == '(')
        {
            position++;
            var inner = ParseComparison(text, ref position);
            SkipSpaces(text, ref position);
            if (position >= text.Length || text[position] != ')')
            {
                throw new FormatException();
            }

            position++;
            return inner;
        }

        var start = position;
        if (text[position] == '$')
        {
            position++;
            start = position;
        }

        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }

        var token = text[start..position];
        if (token.Length == 0)
        {
            throw new FormatException();
        }

        if (long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return long.TryParse(Lookup(token), NumberStyles.Integer, CultureInfo.InvariantCulture, out var variable) ? variable : 0;
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }
}
