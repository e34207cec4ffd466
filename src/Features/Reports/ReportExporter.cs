using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.Localization;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using TokenConsole.Data;
using TokenConsole.Localization;

namespace TokenConsole.Features.Reports;

/// <summary>
/// The report's tables as files: an Excel workbook with a sheet per table (numbers as typed numeric cells with a
/// display format, MiniExcel) and one CSV per table (invariant numbers, UTF-8 with a BOM so Excel reads Chinese, CsvHelper).
/// </summary>
public sealed class ReportExporter(ReportsService reports, IStringLocalizer<SharedResource> localizer)
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public async Task<IReadOnlyList<ExportTable>> TablesAsync(ReportPeriod period, CancellationToken cancellationToken = default) =>
        ReportTables.Build(await reports.GetAsync(period, cancellationToken), localizer);

    public static string FileName(ReportPeriod period, string extension, string? table = null) =>
        $"tokenconsole-report-{period.FileStem}{(table is null ? "" : "-" + table)}.{extension}";

    public static async Task WriteXlsxAsync(IReadOnlyList<ExportTable> tables, Stream stream, CancellationToken cancellationToken = default)
    {
        var sheets = new Dictionary<string, object>();
        var columns = new Dictionary<string, DynamicExcelColumn>();
        foreach (var table in tables)
        {
            sheets[SheetName(table.Title, sheets.Keys)] = table.Rows.Select(row =>
            {
                var values = new Dictionary<string, object?>();
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    values[table.Columns[i].Header] = table.Columns[i].Kind == ColumnKind.Date && row[i] is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : Value(table.Columns[i].Kind, row[i]);
                }
                return values;
            }).ToList();
            foreach (var column in table.Columns)
            {
                // Formats go by header; a header means the same kind of number on every sheet.
                columns.TryAdd(column.Header, new DynamicExcelColumn(column.Header) { Format = Format(column.Kind), Width = column.Kind == ColumnKind.Text ? 28 : 18 });
            }
        }
        var configuration = new OpenXmlConfiguration
        {
            DynamicColumns = [.. columns.Values],
            TableStyles = TableStyles.None,
        };
        // MiniExcel writes to a seekable stream; the response body is not one.
        using var buffer = new MemoryStream();
        await buffer.SaveAsAsync(sheets, printHeader: true, excelType: ExcelType.XLSX, configuration: configuration, cancellationToken: cancellationToken);
        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken);
    }

    public static async Task WriteCsvAsync(ExportTable table, Stream stream, CancellationToken cancellationToken = default)
    {
        // Names come from people (customers, packages): a leading = or + must not run as a spreadsheet formula.
        var options = new CsvWriterOptions { WriteByteOrderMark = true, FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(stream, options, leaveOpen: true);
        await csv.WriteRecordAsync([.. table.Columns.Select(c => c.Header)], cancellationToken);
        foreach (var row in table.Rows)
        {
            var i = 0;
            foreach (var value in row)
            {
                if (value is DateOnly day)
                {
                    csv.WriteField(day, "yyyy-MM-dd");
                }
                else
                {
                    csv.WriteField(Value(table.Columns[i].Kind, value));
                }
                i++;
            }
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// A cell's value as written, still a number: an amount to the fen and a unit price to at most six decimals (both
    /// rounded half away from zero, here, once), a ratio to four decimals, with no trailing zeros or binary noise.
    /// </summary>
    public static object? Value(ColumnKind kind, object? value) => (kind, value) switch
    {
        (ColumnKind.Money, decimal amount) => Money.ToFen(amount),
        (ColumnKind.UnitPrice, decimal price) => Trim(decimal.Round(price, 6, MidpointRounding.AwayFromZero)),
        (ColumnKind.Ratio, decimal ratio) => Trim(Ratio(ratio)),
        (ColumnKind.Number, decimal number) => Trim(number),
        _ => value,
    };

    /// <summary>A ratio to four decimals (0.1234 = 12.34 %), enough for a percentage with two decimals.</summary>
    public static decimal Ratio(decimal ratio) => decimal.Round(ratio, 4, MidpointRounding.AwayFromZero);

    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    private static string? Format(ColumnKind kind) => kind switch
    {
        ColumnKind.Count => "#,##0",
        ColumnKind.Money => "#,##0.00",
        ColumnKind.UnitPrice => "#,##0.00####",
        ColumnKind.Ratio => "0.0%",
        ColumnKind.Date => "yyyy-mm-dd",
        _ => null,
    };

    /// <summary>Excel sheet names: at most 31 characters, none of []:*?/\, unique.</summary>
    private static string SheetName(string title, IEnumerable<string> taken)
    {
        var clean = new string([.. title.Where(c => "[]:*?/\\".IndexOf(c, StringComparison.Ordinal) < 0)]);
        clean = clean.Length > 31 ? clean[..31] : clean;
        var name = clean;
        for (var i = 2; taken.Contains(name, StringComparer.OrdinalIgnoreCase); i++)
        {
            name = $"{clean[..Math.Min(clean.Length, 28)]} {i}";
        }
        return name;
    }
}
