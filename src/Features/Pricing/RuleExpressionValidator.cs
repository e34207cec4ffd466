using System.Collections.Frozen;
using System.Linq.Dynamic.Core.Exceptions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace TokenConsole.Features.Pricing;

/// <summary>The outcome of checking one expression: the compiled predicate, or the error and its position (0-based).</summary>
public sealed record ExpressionCheck(Func<object[], bool>? Predicate, string? Error, int? Position)
{
    public bool IsValid => Predicate is not null;
}

/// <summary>
/// Compiles rule expressions with RulesEngine's expression parser (System.Linq.Dynamic.Core underneath), restricted to
/// the usage context <c>u</c> (<see cref="RuleInput"/>) and the helpers of <see cref="Fn"/>. Every identifier of the
/// expression must be on an allow-list before it reaches the parser: Dynamic LINQ alone still lets <c>GetType()</c>
/// through, and from there reflection — so <c>System.IO</c>, <c>GetType</c>, <c>Type</c>, <c>Assembly</c>… are refused.
/// </summary>
public static class RuleExpressionValidator
{
    public const string Parameter = "u";

    private static readonly FrozenSet<string> Roots = FrozenSet.ToFrozenSet([Parameter, nameof(Fn), "true", "false", "null", "and", "or", "not"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> Members = FrozenSet.ToFrozenSet(
        typeof(RuleInput).GetProperties().Select(p => p.Name)
            .Concat([nameof(Fn.In), nameof(Fn.Between), nameof(Fn.Weekend), "StartsWith", "EndsWith", "Contains", "Length"]),
        StringComparer.Ordinal);

    private static readonly ReSettings Settings = new()
    {
        CustomTypes = [typeof(Fn)],
        UseFastExpressionCompiler = true,
        IsExpressionCaseSensitive = true,
        EnableExceptionAsErrorMessage = true,
    };

    private static readonly RuleExpressionParser Parser = new(Settings);

    public static ExpressionCheck Compile(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return new(null, "The expression is empty.", 0);
        }

        if (expression.Length > 2000)
        {
            return new(null, "The expression is longer than 2,000 characters.", 2000);
        }

        if (FindForbidden(expression) is { } forbidden)
        {
            return new(null, $"'{forbidden.Name}' is not allowed: use u.<field> and Fn.In, Fn.Between, Fn.Weekend.", forbidden.Position);
        }

        try
        {
            var predicate = Parser.Compile<bool>(expression, [new RuleParameter(Parameter, new RuleInput())]);
            return new(predicate, null, null);
        }
        catch (ParseException e)
        {
            return new(null, e.Message, e.Position);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            return new(null, e.Message, null);
        }
    }

    /// <summary>The first identifier that is neither a root (u, Fn, literals, word operators) nor an allowed member after a dot.</summary>
    private static (string Name, int Position)? FindForbidden(string text)
    {
        var i = 0;
        var previousSignificant = '\0';
        while (i < text.Length)
        {
            var ch = text[i];
            if (ch is '"' or '\'')
            {
                var quote = ch;
                i++;
                while (i < text.Length && text[i] != quote)
                {
                    i += text[i] == '\\' ? 2 : 1;
                }
                i++;
                previousSignificant = quote;
                continue;
            }
            if (char.IsDigit(ch))
            {
                i = SkipNumber(text, i);
                previousSignificant = Number;
                continue;
            }
            if (ch == '.' && previousSignificant == Number)
            {
                // A member of a number literal (1.5.GetType()): nothing on the allow-list is a member of a number.
                var member = i + 1;
                while (member < text.Length && char.IsWhiteSpace(text[member]))
                {
                    member++;
                }
                return member < text.Length && IsIdentifierStart(text[member]) ? (text[member..SkipIdentifier(text, member)], member) : (".", i);
            }
            if (IsIdentifierStart(ch))
            {
                var start = i;
                i = SkipIdentifier(text, i);
                var name = text[start..i];
                var allowed = previousSignificant == '.' ? Members.Contains(name) : Roots.Contains(name);
                if (!allowed)
                {
                    return (name, start);
                }

                previousSignificant = 'a';
                continue;
            }
            if (!char.IsWhiteSpace(ch))
            {
                previousSignificant = ch;
            }

            i++;
        }
        return null;
    }

    /// <summary>Marks a number literal as the previous token.</summary>
    private const char Number = '0';

    private static bool IsIdentifierStart(char ch) => char.IsLetter(ch) || ch == '_' || ch == '@';

    private static int SkipIdentifier(string text, int i)
    {
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '@'))
        {
            i++;
        }
        return i;
    }

    /// <summary>
    /// The end of the number literal at <paramref name="i"/>, read as System.Linq.Dynamic.Core's tokenizer reads it: digits,
    /// then a hex part (<c>0x1F</c>) or an integer suffix (<c>U</c>, <c>L</c>, <c>UL</c>), or else one fraction (a dot
    /// followed by a digit), an exponent (<c>e</c>, sign, digits) and a real suffix (<c>F</c>, <c>D</c>, <c>M</c>). A
    /// second dot is not part of the number: it is a member access on it (<c>1.5.GetType()</c>), which the caller refuses.
    /// Anything the parser would not read as part of the number is left for the next token and so still checked.
    /// </summary>
    private static int SkipNumber(string text, int i)
    {
        bool At(int at, Func<char, bool> test) => at < text.Length && test(text[at]);
        while (At(i, char.IsDigit))
        {
            i++;
        }
        if (At(i, c => c is 'x' or 'X') && At(i + 1, char.IsAsciiHexDigit))
        {
            i += 2;
            while (At(i, char.IsAsciiHexDigit))
            {
                i++;
            }
            return SkipIntegerSuffix(text, i);
        }
        if (At(i, c => c is 'u' or 'U' or 'l' or 'L'))
        {
            return SkipIntegerSuffix(text, i);
        }
        if (At(i, c => c == '.') && At(i + 1, char.IsDigit))
        {
            i++;
            while (At(i, char.IsDigit))
            {
                i++;
            }
        }
        if (At(i, c => c is 'e' or 'E'))
        {
            var exponent = At(i + 1, c => c is '+' or '-') ? i + 2 : i + 1;
            if (At(exponent, char.IsDigit))
            {
                i = exponent;
                while (At(i, char.IsDigit))
                {
                    i++;
                }
            }
        }
        return At(i, c => c is 'f' or 'F' or 'd' or 'D' or 'm' or 'M') ? i + 1 : i;
    }

    private static int SkipIntegerSuffix(string text, int i)
    {
        var end = i;
        while (end < text.Length && end - i < 2 && text[end] is 'u' or 'U' or 'l' or 'L')
        {
            end++;
        }
        return end;
    }
}
