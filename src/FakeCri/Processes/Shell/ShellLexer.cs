using System.Runtime.CompilerServices;
using System.Text;

namespace FakeCri.Processes.Shell;

/// <summary>What a <see cref="ShellToken"/> is.</summary>
internal enum ShellTokenKind
{
    /// <summary>The end of the script (or of a backquoted or here-document text).</summary>
    EndOfFile,

    /// <summary>An unquoted newline.</summary>
    Newline,

    /// <summary>A word; reserved words are words too, recognised by the parser where a command starts.</summary>
    Word,

    /// <summary>A redirection operator, with its file descriptor already resolved.</summary>
    Redirection,

    /// <summary><c>;</c>.</summary>
    Semicolon,

    /// <summary><c>;;</c>: only meaningful in <c>case</c>, so always an error here, but named as busybox names it.</summary>
    DoubleSemicolon,

    /// <summary><c>&amp;</c>.</summary>
    Ampersand,

    /// <summary><c>&amp;&amp;</c>.</summary>
    AndIf,

    /// <summary><c>|</c>.</summary>
    Pipe,

    /// <summary><c>||</c>.</summary>
    OrIf,

    /// <summary><c>(</c>.</summary>
    LeftParenthesis,

    /// <summary><c>)</c>.</summary>
    RightParenthesis,
}

/// <summary>One token of a shell script.</summary>
/// <param name="Kind">What the token is.</param>
internal sealed record ShellToken(ShellTokenKind Kind)
{
    /// <summary>The word, for <see cref="ShellTokenKind.Word"/>.</summary>
    public Word? Word { get; init; }

    /// <summary>Where the token starts in the source (raw text, for here-document delimiters).</summary>
    public int Start { get; init; }

    /// <summary>Where the token ends in the source (exclusive).</summary>
    public int End { get; init; }

    /// <summary>The redirection, for <see cref="ShellTokenKind.Redirection"/>.</summary>
    public RedirectKind RedirectKind { get; init; }

    /// <summary>The redirected file descriptor: the digit written before the operator, or the operator's default.</summary>
    public int FileDescriptor { get; init; }

    /// <summary><c>&lt;&lt;-</c>: strip leading tabs from the here-document's lines.</summary>
    public bool StripTabs { get; init; }

    /// <summary><c>&amp;&gt;</c> or <c>&amp;&gt;&gt;</c> (bash, busybox): stdout and stderr both go to the target.</summary>
    public bool BothOutputs { get; init; }
}

/// <summary>
/// Splits a shell script into tokens, building each word's parts (quotes, parameters, command substitutions) as it
/// goes. Command substitutions are parsed on the spot by <see cref="ShellParser"/>, on this same lexer for
/// <c>$( )</c> so nested quotes and parentheses need no separate matching, and on the unescaped text for backquotes.
/// Here-document bodies are read when the newline ending their command is reached and filled into the word the
/// parser already put in the tree.
/// </summary>
internal sealed class ShellLexer
{
    private const int End = -1;

    /// <summary>
    /// Deepest nesting of commands, substitutions and <c>${...}</c> accepted; the parser recurses per level, so this
    /// bounds its stack on pathological input. Real scripts stay in single digits.
    /// </summary>
    private const int MaxDepth = 200;

    private readonly string _source;
    private readonly List<PendingHereDocument> _hereDocuments = [];
    private int _position;
    private int _depth;

    /// <summary>Starts lexing <paramref name="source"/> at nesting <paramref name="depth"/>.</summary>
    public ShellLexer(string source, int depth = 0)
    {
        _source = source;
        _depth = depth;
    }

    /// <summary>Enters one level of nesting; throws when the script nests too deeply.</summary>
    public void EnterNesting()
    {
        // The stack check also covers callers that run the parser on a small-stack thread.
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ShellSyntaxException("syntax error: nesting too deep");
        }
    }

    /// <summary>Leaves a level entered with <see cref="EnterNesting"/>.</summary>
    public void ExitNesting() => _depth--;

    /// <summary>Reads the next token, skipping blanks, comments and line continuations.</summary>
    public ShellToken NextToken()
    {
        while (true)
        {
            var c = Peek();
            switch (c)
            {
                case ' ' or '\t':
                    Advance();
                    continue;
                case '#':
                    // A comment runs to the end of the line; a backslash there does not continue it.
                    var newline = _source.IndexOf('\n', Skip(_position));
                    _position = newline < 0 ? _source.Length : newline;
                    continue;
                case End:
                    ReadHereDocuments();
                    return Operator(ShellTokenKind.EndOfFile, _position);
                case '\n':
                    var start = Skip(_position);
                    Advance();
                    ReadHereDocuments();
                    return Operator(ShellTokenKind.Newline, start);
                case ';':
                    return ReadOperator(';', ShellTokenKind.Semicolon, ShellTokenKind.DoubleSemicolon);
                case '|':
                    return ReadOperator('|', ShellTokenKind.Pipe, ShellTokenKind.OrIf);
                case '&' when PeekAt(1) == '>':
                    return ReadRedirection(null);
                case '&':
                    return ReadOperator('&', ShellTokenKind.Ampersand, ShellTokenKind.AndIf);
                case '(':
                    return ReadOperator('(', ShellTokenKind.LeftParenthesis, null);
                case ')':
                    return ReadOperator(')', ShellTokenKind.RightParenthesis, null);
                case '<' or '>':
                    return ReadRedirection(null);
                case >= '0' and <= '9' when PeekAt(1) is '<' or '>':
                    Advance();
                    return ReadRedirection(c - '0');
                default:
                    var wordStart = Skip(_position);
                    var word = ReadWord();
                    return new ShellToken(ShellTokenKind.Word) { Word = word, Start = wordStart, End = _position };
            }
        }
    }

    /// <summary>
    /// Registers a here-document whose delimiter is <paramref name="delimiter"/> (a word token of this lexer); its
    /// body is read after the next newline and added to <paramref name="body"/>.
    /// </summary>
    public void QueueHereDocument(ShellToken delimiter, bool stripTabs, List<WordPart> body)
    {
        var (text, quoted) = RemoveQuotes(_source.AsSpan(delimiter.Start, delimiter.End - delimiter.Start));
        _hereDocuments.Add(new PendingHereDocument(text, stripTabs, quoted, body));
    }

    private static ShellSyntaxException Unterminated() => new("syntax error: unterminated quoted string");

    private static ShellSyntaxException MissingBrace() => new("syntax error: missing '}'");

    private static ShellSyntaxException BadSubstitution() => new("syntax error: bad substitution");

    private static bool IsNameStart(int c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsNameChar(int c) => IsNameStart(c) || c is >= '0' and <= '9';

    private static bool IsSpecialParameter(int c) => c is '?' or '$' or '!' or '#' or '@' or '*' or '-';

    /// <summary>Characters that end an unquoted word.</summary>
    private static bool IsMetacharacter(int c) =>
        c is ' ' or '\t' or '\n' or ';' or '&' or '|' or '(' or ')' or '<' or '>';

    /// <summary>The here-document delimiter a word spells after quote removal, and whether any of it was quoted.</summary>
    private static (string Text, bool Quoted) RemoveQuotes(ReadOnlySpan<char> raw)
    {
        var text = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                if (raw[i + 1] != '\n')
                {
                    text.Append(raw[i + 1]);
                    quoted = true;
                }

                i += 2;
            }
            else if (c == '\'')
            {
                quoted = true;
                var close = raw[(i + 1)..].IndexOf('\'');
                var length = close < 0 ? raw.Length - i - 1 : close;
                text.Append(raw.Slice(i + 1, length));
                i += length + 2;
            }
            else if (c == '"')
            {
                quoted = true;
                i++;
                while (i < raw.Length && raw[i] != '"')
                {
                    if (raw[i] == '\\' && i + 1 < raw.Length && raw[i + 1] is '$' or '`' or '"' or '\\' or '\n')
                    {
                        if (raw[i + 1] != '\n')
                        {
                            text.Append(raw[i + 1]);
                        }

                        i += 2;
                    }
                    else
                    {
                        text.Append(raw[i]);
                        i++;
                    }
                }

                i++;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }

        return (text.ToString(), quoted);
    }

    /// <summary>A token without a value from <paramref name="start"/> to the current position.</summary>
    private ShellToken Operator(ShellTokenKind kind, int start) => new(kind) { Start = start, End = _position };

    /// <summary>Reads <paramref name="c"/>, or <paramref name="c"/> twice when <paramref name="doubled"/> exists.</summary>
    private ShellToken ReadOperator(char c, ShellTokenKind single, ShellTokenKind? doubled)
    {
        var start = Skip(_position);
        Advance();
        if (doubled is { } kind && Peek() == c)
        {
            Advance();
            return Operator(kind, start);
        }

        return Operator(single, start);
    }

    /// <summary>Reads a redirection operator; <paramref name="fd"/> is the digit already read before it.</summary>
    private ShellToken ReadRedirection(int? fd)
    {
        var start = Skip(_position);
        var first = Peek();
        Advance();
        var kind = RedirectKind.Output;
        var stripTabs = false;
        var both = false;
        var defaultFd = 1;
        if (first == '&')
        {
            // &> and &>>: the caller saw the '>'.
            Advance();
            both = true;
            if (Peek() == '>')
            {
                Advance();
                kind = RedirectKind.Append;
            }
        }
        else if (first == '>')
        {
            switch (Peek())
            {
                case '>':
                    Advance();
                    kind = RedirectKind.Append;
                    break;
                case '&':
                    Advance();
                    kind = RedirectKind.DuplicateOutput;
                    break;
                case '|':
                    // >| overrides noclobber, which the emulated shell never sets: a plain >.
                    Advance();
                    break;
            }
        }
        else
        {
            defaultFd = 0;
            kind = RedirectKind.Input;
            switch (Peek())
            {
                case '<':
                    Advance();
                    kind = RedirectKind.HereDocument;
                    if (Peek() == '-')
                    {
                        Advance();
                        stripTabs = true;
                    }

                    break;
                case '&':
                    // <&N is the same dup2 as >&N, only with fd 0 as the default.
                    Advance();
                    kind = RedirectKind.DuplicateOutput;
                    break;
                case '>':
                    throw new ShellSyntaxException("syntax error: unsupported redirection \"<>\"");
            }
        }

        return new ShellToken(ShellTokenKind.Redirection)
        {
            Start = start,
            End = _position,
            RedirectKind = kind,
            FileDescriptor = fd ?? defaultFd,
            StripTabs = stripTabs,
            BothOutputs = both,
        };
    }

    /// <summary>Reads an unquoted word up to the next blank or operator character.</summary>
    private Word ReadWord()
    {
        var parts = new PartsBuilder();
        while (true)
        {
            var c = Peek();
            if (c == End || IsMetacharacter(c))
            {
                return parts.ToWord();
            }

            ReadUnquotedPiece(parts, c);
        }
    }

    /// <summary>
    /// Reads one piece of unquoted text starting with <paramref name="c"/>: an escape, a quoted string, an expansion
    /// or a plain character. Shared by words and unquoted <c>${name-word}</c> arguments.
    /// </summary>
    private void ReadUnquotedPiece(PartsBuilder parts, int c)
    {
        switch (c)
        {
            case '\\':
                ReadEscape(parts, static _ => true, quoted: false);
                break;
            case '\'':
                ReadSingleQuoted(parts);
                break;
            case '"':
                ReadDoubleQuoted(parts);
                break;
            case '$':
                ReadDollar(parts, quoted: false);
                break;
            case '`':
                ReadBackquoted(parts, quoted: false, unescapeDoubleQuote: false);
                break;
            default:
                parts.Append((char)c, quoted: false);
                Advance();
                break;
        }
    }

    /// <summary>
    /// Reads a backslash (at the current position, never a line continuation) and the character after it. When
    /// <paramref name="escapes"/> accepts that character it becomes a quoted literal; otherwise the backslash stays
    /// as text (in <paramref name="quoted"/> context) and the character is read normally next.
    /// </summary>
    private void ReadEscape(PartsBuilder parts, Func<char, bool> escapes, bool quoted)
    {
        var backslash = Skip(_position);
        if (backslash + 1 < _source.Length && escapes(_source[backslash + 1]))
        {
            parts.Append(_source[backslash + 1], quoted: true);
            _position = backslash + 2;
        }
        else
        {
            parts.Append('\\', quoted);
            _position = backslash + 1;
        }
    }

    /// <summary>Reads <c>'...'</c>: everything up to the next single quote is quoted text, backslashes included.</summary>
    private void ReadSingleQuoted(PartsBuilder parts)
    {
        var open = Skip(_position);
        var close = _source.IndexOf('\'', open + 1);
        if (close < 0)
        {
            throw Unterminated();
        }

        if (close == open + 1)
        {
            parts.AppendEmptyQuoted();
        }
        else
        {
            parts.Append(_source[(open + 1)..close], quoted: true);
        }

        _position = close + 1;
    }

    /// <summary>Reads <c>"..."</c>; <c>""</c> still yields an (empty) quoted literal.</summary>
    private void ReadDoubleQuoted(PartsBuilder parts)
    {
        Advance();
        var before = parts.Version;
        while (true)
        {
            var c = Peek();
            switch (c)
            {
                case End:
                    throw Unterminated();
                case '"':
                    Advance();
                    if (parts.Version == before)
                    {
                        parts.AppendEmptyQuoted();
                    }

                    return;
                default:
                    ReadDoubleQuotedPiece(parts, c, static e => e is '$' or '`' or '"' or '\\', unescapeDoubleQuote: true);
                    break;
            }
        }
    }

    /// <summary>
    /// Reads one piece of text in double-quote-like context (inside <c>"..."</c>, a quoted <c>${...}</c> argument
    /// or an unquoted here-document): only <c>$</c>, backquotes and the backslash escapes in
    /// <paramref name="escapes"/> are special.
    /// </summary>
    private void ReadDoubleQuotedPiece(PartsBuilder parts, int c, Func<char, bool> escapes, bool unescapeDoubleQuote)
    {
        switch (c)
        {
            case '\\':
                ReadEscape(parts, escapes, quoted: true);
                break;
            case '$':
                ReadDollar(parts, quoted: true);
                break;
            case '`':
                ReadBackquoted(parts, quoted: true, unescapeDoubleQuote);
                break;
            default:
                parts.Append((char)c, quoted: true);
                Advance();
                break;
        }
    }

    /// <summary>Reads the whole source as an unquoted here-document body: expansions, no quote characters.</summary>
    private List<WordPart> ReadHereDocumentBody()
    {
        var parts = new PartsBuilder();
        while (Peek() is var c && c != End)
        {
            ReadDoubleQuotedPiece(parts, c, static e => e is '$' or '`' or '\\', unescapeDoubleQuote: false);
        }

        if (parts.Version == 0)
        {
            parts.AppendEmptyQuoted();
        }

        return parts.ToWord().Parts.ToList();
    }

    /// <summary>Reads what starts with <c>$</c>: a parameter, a substitution, arithmetic, or a plain dollar sign.</summary>
    private void ReadDollar(PartsBuilder parts, bool quoted)
    {
        var next = PeekAt(1);
        if (next == '{')
        {
            ReadBracedParameter(parts, quoted);
        }
        else if (next == '(')
        {
            if (PeekAt(2) != '(' || !TryReadArithmetic(parts, quoted))
            {
                ReadCommandSubstitution(parts, quoted);
            }
        }
        else if (IsNameStart(next))
        {
            Advance();
            parts.Add(new ParameterPart(ReadName(), quoted));
        }
        else if (next is >= '0' and <= '9' || IsSpecialParameter(next))
        {
            // Positional parameters take one digit: $10 is ${1}0.
            Advance();
            Advance();
            parts.Add(new ParameterPart(((char)next).ToString(), quoted));
        }
        else
        {
            Advance();
            parts.Append('$', quoted);
        }
    }

    /// <summary>Reads <c>[A-Za-z0-9_]*</c> (the caller checked the first character).</summary>
    private string ReadName()
    {
        var name = new StringBuilder();
        while (IsNameChar(Peek()))
        {
            name.Append((char)Peek());
            Advance();
        }

        return name.ToString();
    }

    /// <summary>Reads a parameter name inside <c>${...}</c>: a name, a positional number or a special character.</summary>
    private string? TryReadParameterName()
    {
        var c = Peek();
        if (IsNameStart(c))
        {
            return ReadName();
        }

        if (c is >= '0' and <= '9')
        {
            var digits = new StringBuilder();
            while (Peek() is >= '0' and <= '9')
            {
                digits.Append((char)Peek());
                Advance();
            }

            return digits.ToString();
        }

        if (IsSpecialParameter(c))
        {
            Advance();
            return ((char)c).ToString();
        }

        return null;
    }

    /// <summary>Reads <c>${NAME}</c>, <c>${#NAME}</c> or <c>${NAME op word}</c>.</summary>
    private void ReadBracedParameter(PartsBuilder parts, bool quoted)
    {
        Advance();
        Advance();
        EnterNesting();
        if (Peek() == '#')
        {
            // ${#NAME} is a length, but ${#} is the argument count and ${#:-x} uses it with an operator.
            var save = _position;
            Advance();
            if (TryReadParameterName() is { } measured && Peek() == '}')
            {
                Advance();
                ExitNesting();
                parts.Add(new ParameterPart(measured, quoted, Length: true));
                return;
            }

            _position = save;
        }

        var name = TryReadParameterName() ?? throw (Peek() == End ? MissingBrace() : BadSubstitution());
        var c = Peek();
        string op;
        switch (c)
        {
            case '}':
                Advance();
                ExitNesting();
                parts.Add(new ParameterPart(name, quoted));
                return;
            case ':' when PeekAt(1) is '-' or '=' or '?' or '+':
                op = string.Concat(":", ((char)PeekAt(1)).ToString());
                Advance();
                Advance();
                break;
            case '-' or '=' or '?' or '+':
                op = ((char)c).ToString();
                Advance();
                break;
            case '%' or '#':
                Advance();
                var doubled = Peek() == c;
                if (doubled)
                {
                    Advance();
                }

                op = doubled ? new string((char)c, 2) : ((char)c).ToString();
                break;
            case End:
                throw MissingBrace();
            default:
                throw BadSubstitution();
        }

        var argument = ReadParameterArgument(quoted);
        ExitNesting();
        parts.Add(new ParameterPart(name, quoted, op, argument));
    }

    /// <summary>Reads the word after a <c>${name</c> operator up to the closing brace, in the enclosing quoting.</summary>
    private Word ReadParameterArgument(bool inDoubleQuotes)
    {
        var parts = new PartsBuilder();
        while (true)
        {
            var c = Peek();
            if (c == End)
            {
                throw MissingBrace();
            }

            if (c == '}')
            {
                Advance();
                return parts.ToWord();
            }

            if (!inDoubleQuotes)
            {
                // Blanks and operator characters are plain text here: only the brace ends the argument.
                ReadUnquotedPiece(parts, c);
            }
            else if (c == '"')
            {
                // Quotes nest inside "${x:-"..."}" as in bash and busybox.
                ReadDoubleQuoted(parts);
            }
            else
            {
                ReadDoubleQuotedPiece(parts, c, static e => e is '$' or '`' or '"' or '\\' or '}', unescapeDoubleQuote: true);
            }
        }
    }

    /// <summary>
    /// Reads <c>$((expression))</c> if the parentheses close with <c>))</c>; otherwise rewinds and returns false, as
    /// <c>$((a) | (b))</c> is a command substitution starting with a subshell.
    /// </summary>
    private bool TryReadArithmetic(PartsBuilder parts, bool quoted)
    {
        var save = _position;
        Advance();
        Advance();
        Advance();
        var expression = new StringBuilder();
        var depth = 0;
        while (true)
        {
            var c = Peek();
            if (c == End)
            {
                throw new ShellSyntaxException("syntax error: missing '))'");
            }

            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                if (depth == 0)
                {
                    var after = PeekAt(1);
                    if (after == ')')
                    {
                        Advance();
                        Advance();
                        parts.Add(new ArithmeticPart(expression.ToString(), quoted));
                        return true;
                    }

                    if (after == End)
                    {
                        throw new ShellSyntaxException("syntax error: missing '))'");
                    }

                    _position = save;
                    return false;
                }

                depth--;
            }

            expression.Append((char)c);
            Advance();
        }
    }

    /// <summary>Reads <c>$( list )</c> by parsing the list from this lexer.</summary>
    private void ReadCommandSubstitution(PartsBuilder parts, bool quoted)
    {
        Advance();
        Advance();
        EnterNesting();
        var command = ShellParser.ParseCommandSubstitution(this);
        ExitNesting();
        parts.Add(new CommandSubstitutionPart(command, quoted));
    }

    /// <summary>
    /// Reads <c>`...`</c>: backslash-dollar, -backquote and -backslash (and -quote inside double quotes) lose their
    /// backslash, and the resulting text is parsed as a script of its own.
    /// </summary>
    private void ReadBackquoted(PartsBuilder parts, bool quoted, bool unescapeDoubleQuote)
    {
        var i = Skip(_position) + 1;
        var text = new StringBuilder();
        while (true)
        {
            if (i >= _source.Length)
            {
                throw new ShellSyntaxException("syntax error: EOF in backquote substitution");
            }

            var c = _source[i];
            if (c == '`')
            {
                break;
            }

            if (c == '\\' && i + 1 < _source.Length)
            {
                var escaped = _source[i + 1];
                if (escaped is '$' or '`' or '\\' || (unescapeDoubleQuote && escaped == '"'))
                {
                    text.Append(escaped);
                }
                else
                {
                    // Kept for the inner parse: \' stays an escape there, \<newline> a continuation.
                    text.Append(c).Append(escaped);
                }

                i += 2;
                continue;
            }

            text.Append(c);
            i++;
        }

        _position = i + 1;
        EnterNesting();
        var command = ShellParser.ParseBackquoted(text.ToString(), _depth);
        ExitNesting();
        parts.Add(new CommandSubstitutionPart(command, quoted));
    }

    /// <summary>Reads the bodies of the here-documents queued on the line that just ended, in order.</summary>
    private void ReadHereDocuments()
    {
        if (_hereDocuments.Count == 0)
        {
            return;
        }

        foreach (var document in _hereDocuments)
        {
            ReadHereDocument(document);
        }

        _hereDocuments.Clear();
    }

    /// <summary>Reads one here-document body from the current position and fills its word.</summary>
    private void ReadHereDocument(PendingHereDocument document)
    {
        // Bodies are raw lines up to the delimiter line (or the end of the script, which busybox accepts silently).
        var body = new StringBuilder();
        while (_position < _source.Length)
        {
            var newline = _source.IndexOf('\n', _position);
            var lineEnd = newline < 0 ? _source.Length : newline;
            var line = _source.AsSpan(_position, lineEnd - _position);
            if (document.StripTabs)
            {
                line = line.TrimStart('\t');
            }

            _position = newline < 0 ? _source.Length : newline + 1;
            if (line.SequenceEqual(document.Delimiter))
            {
                break;
            }

            body.Append(line);
            if (newline >= 0)
            {
                body.Append('\n');
            }
        }

        if (document.Quoted)
        {
            document.Body.Add(new LiteralPart(body.ToString(), Quoted: true));
        }
        else
        {
            document.Body.AddRange(new ShellLexer(body.ToString(), _depth).ReadHereDocumentBody());
        }
    }

    /// <summary>The position of the next character that is not part of a backslash-newline line continuation.</summary>
    private int Skip(int position)
    {
        while (position + 1 < _source.Length && _source[position] == '\\' && _source[position + 1] == '\n')
        {
            position += 2;
        }

        return position;
    }

    /// <summary>The character <paramref name="ahead"/> places on, line continuations skipped, or <see cref="End"/>.</summary>
    private int PeekAt(int ahead)
    {
        var position = Skip(_position);
        for (var i = 0; i < ahead && position < _source.Length; i++)
        {
            position = Skip(position + 1);
        }

        return position < _source.Length ? _source[position] : End;
    }

    /// <summary>The current character, line continuations skipped, or <see cref="End"/>.</summary>
    private int Peek() => PeekAt(0);

    /// <summary>Moves past the current character (and any line continuation before it).</summary>
    private void Advance() => _position = Math.Min(Skip(_position) + 1, _source.Length);

    /// <summary>A here-document waiting for the end of its line.</summary>
    private sealed record PendingHereDocument(string Delimiter, bool StripTabs, bool Quoted, List<WordPart> Body);

    /// <summary>Collects a word's parts, merging adjacent literal text with the same quoting.</summary>
    private sealed class PartsBuilder
    {
        private readonly List<WordPart> _parts = [];
        private readonly StringBuilder _text = new();
        private bool _pending;
        private bool _pendingQuoted;

        /// <summary>Changes whenever something is added, so callers can tell an empty quoted string.</summary>
        public int Version { get; private set; }

        /// <summary>Appends one character of literal text.</summary>
        public void Append(char c, bool quoted)
        {
            StartText(quoted);
            _text.Append(c);
            Version++;
        }

        /// <summary>Appends literal text.</summary>
        public void Append(string text, bool quoted)
        {
            StartText(quoted);
            _text.Append(text);
            Version++;
        }

        /// <summary>Records <c>""</c> or <c>''</c>: an empty quoted literal, so the word still makes a field.</summary>
        public void AppendEmptyQuoted()
        {
            StartText(quoted: true);
            Version++;
        }

        /// <summary>Appends an expansion, ending the literal text before it.</summary>
        public void Add(WordPart part)
        {
            Flush();
            _parts.Add(part);
            Version++;
        }

        /// <summary>The word so far; the builder is not used after this.</summary>
        public Word ToWord()
        {
            Flush();
            return new Word(_parts);
        }

        private void StartText(bool quoted)
        {
            if (_pending && _pendingQuoted != quoted)
            {
                Flush();
            }

            _pending = true;
            _pendingQuoted = quoted;
        }

        private void Flush()
        {
            if (_pending)
            {
                _parts.Add(new LiteralPart(_text.ToString(), _pendingQuoted));
                _text.Clear();
                _pending = false;
            }
        }
    }
}
