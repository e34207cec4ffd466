using Microsoft.VisualBasic.FileIO;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Reads usage from CSV with a header row naming the same fields as the API (id, timestamp, customer, package, model,
/// region, industry, inputTokens, outputTokens and optionally pool), in any order. Quoted fields are handled by the
/// framework's RFC 4180 parser. A row that is not an event (another column count than the header, not CSV, a token
/// count that is not a whole number) goes to <c>rowProblem</c> when given (<see cref="CsvRowProblem"/>) instead of on
/// to validation, which would only say "required"; without it, such a count is left empty for validation to name.
/// </summary>
public static class CsvUsageReader
{
    public static readonly string[] RequiredColumns = ["id", "timestamp", "customer", "package", "model", "region", "industry", "inputTokens", "outputTokens"];

    public static IEnumerable<(long Line, UsageEventRequest Event)> Read(Stream stream, Action<string> headerError, Action<CsvRowProblem>? rowProblem = null)
    {
        using var parser = new TextFieldParser(stream) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields();
        if (header is null)
        {
            headerError("The file is empty.");
            yield break;
        }
        var index = header.Select((name, i) => (name, i)).ToDictionary(x => x.name.Trim(), x => x.i, StringComparer.OrdinalIgnoreCase);
        var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            headerError($"The header lacks: {string.Join(", ", missing)}.");
            yield break;
        }
        while (!parser.EndOfData)
        {
            var line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException)
            {
                fields = null;
            }
            if (rowProblem is not null && CsvRowProblem.Of(line, fields, header.Length, index) is { } problem)
            {
                rowProblem(problem);
                continue;
            }
            string? Field(string name) => fields is not null && index.TryGetValue(name, out var i) && i < fields.Length && fields[i].Length > 0 ? fields[i] : null;
            long? Number(string name) => long.TryParse(Field(name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
            yield return (line, new UsageEventRequest
            {
                Id = Field("id"), Timestamp = Field("timestamp"), Customer = Field("customer"), Package = Field("package"), Model = Field("model"),
                Region = Field("region"), Industry = Field("industry"), InputTokens = Number("inputTokens"), OutputTokens = Number("outputTokens"), Pool = Field("pool"),
            });
        }
    }
}
