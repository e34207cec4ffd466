using System.Globalization;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// A CSV row that is not an event at all: it has another number of columns than the header, is not valid CSV, or a
/// token count is not a whole number. <see cref="Code"/> is the resource key the import page localizes with
/// <see cref="Args"/>; <see cref="Fields"/> are the row's values in the order of <see cref="Columns"/> (empty where the
/// row has no such column), for the rejected rows' download.
/// </summary>
public sealed record CsvRowProblem(long Line, string Field, string Code, object[] Args, IReadOnlyList<string> Fields)
{
    public const string ColumnCount = "This row has {0} columns; the header has {1}.";
    public const string NotCsv = "This row is not valid CSV (check its quotes).";
    public const string NotANumber = "{0} is not a whole number: '{1}'.";

    private static readonly string[] NumberColumns = ["inputTokens", "outputTokens"];

    /// <summary>The import's columns in their usual order: the required ones, then the optional pool.</summary>
    public static readonly IReadOnlyList<string> Columns = [.. CsvUsageReader.RequiredColumns, "pool"];

    /// <summary>What is wrong with a row before validation, or null when it reads as an event (validation checks the rest).</summary>
    public static CsvRowProblem? Of(long line, string[]? fields, int headerColumns, IReadOnlyDictionary<string, int> index)
    {
        if (fields is null)
        {
            // Nothing to put in columns: the reason says what to fix, the line number where.
            return new CsvRowProblem(line, "", NotCsv, [], [.. Columns.Select(_ => "")]);
        }
        string[] InColumns() => [.. Columns.Select(c => index.TryGetValue(c, out var i) && i < fields.Length ? fields[i] : "")];
        if (fields.Length != headerColumns)
        {
            return new CsvRowProblem(line, "", ColumnCount, [fields.Length, headerColumns], InColumns());
        }
        foreach (var column in NumberColumns)
        {
            var value = fields[index[column]];
            if (value.Length > 0 && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                // The value is repeated to the person who sent it; a long one is cut.
                return new CsvRowProblem(line, column, NotANumber, [column, value.Length > 40 ? value[..40] + "…" : value], InColumns());
            }
        }
        return null;
    }
}
