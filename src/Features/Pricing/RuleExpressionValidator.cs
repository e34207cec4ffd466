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
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.' || text[i] == '_'))
                {
                    i++;
                }

                previousSignificant = '0';
                continue;
            }
            if (char.IsLetter(ch) || ch == '_' || ch == '@')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '@'))
                {
                    i++;
                }

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
}
