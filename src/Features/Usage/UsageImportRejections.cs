using System.Text;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Features.Usage;

/// <summary>One row of a CSV import that was not stored: its line, its values in the import's columns, and why.</summary>
public sealed record RejectedRow(long Line, IReadOnlyList<string> Fields, string Field, string Reason);

/// <summary>
/// The rejected rows of one import, kept for the page to show (the first <see cref="Shown"/>) and to give back as a CSV
/// file in the import's own columns plus line, field and reason, so a person can fix the rows and import that file again.
/// At most <see cref="Kept"/> rows are kept: a file rejected wholesale needs fixing at its source, not row by row.
/// </summary>
public sealed class UsageImportRejections
{
    public const int Shown = 100;
    public const int Kept = 5_000;
    private readonly List<RejectedRow> _rows = [];

    public IReadOnlyList<RejectedRow> Rows => _rows;

    public void Clear() => _rows.Clear();

    public void SortByLine() => _rows.Sort((a, b) => a.Line.CompareTo(b.Line));

    public void Add(RejectedRow row)
    {
        if (_rows.Count < Kept)
        {
            _rows.Add(row);
        }
    }

    /// <summary>The values of an event as the import's columns hold them.</summary>
    public static IReadOnlyList<string> FieldsOf(UsageEventRequest e) =>
    [
        e.Id ?? "", e.Timestamp ?? "", e.Customer ?? "", e.Package ?? "", e.Model ?? "", e.Region ?? "", e.Industry ?? "",
        e.InputTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        e.OutputTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Pool ?? "",
    ];

    /// <summary>RFC 4180 CSV with a UTF-8 byte order mark (so Excel reads Chinese reasons right).</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("\uFEFF");
        csv.Append(string.Join(',', CsvRowProblem.Columns.Prepend("line").Append("field").Append("reason"))).Append("\r\n");
        foreach (var row in _rows)
        {
            var values = row.Fields.Prepend(row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(row.Field).Append(row.Reason);
            csv.Append(string.Join(',', values.Select(Escape))).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>The file as a data: address for a download link (no endpoint holds someone's rejected rows).</summary>
    public string ToDataUri() => "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(ToCsv()));

    private static string Escape(string value)
    {
        // A value a spreadsheet would run as a formula is made text (OWASP CSV injection).
        if (value.Length > 0 && value[0] is '=' or '+' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
