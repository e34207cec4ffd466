using System.Globalization;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Localization;
using TokenConsole.Data;
using TokenConsole.Localization;

namespace TokenConsole.Features.Reports;

/// <summary>
/// The report's tables as files: an Excel workbook with a sheet per table (numbers as typed numeric cells with a
/// display format, written with the Open XML SDK) and one CSV per table (invariant numbers, UTF-8 with a BOM so Excel
/// reads Chinese, CsvHelper).
/// </summary>
/// <remarks>
/// The workbook used to be written by MiniExcel 1.46.0, whose styles.xml holds an empty <c>&lt;x:fill&gt;</c> that
/// openpyxl (and so pandas) refuses, and whose formats go by column, so the summary (tokens, amounts and ratios in one
/// column) could not be formatted. Writing the few parts ourselves with the Open XML SDK was simpler and more robust
/// than patching another library's styles after the fact: the stylesheet is ours, minimal and valid (the two fills
/// Excel requires), every cell gets the format of its kind, and nothing depends on what a MiniExcel release writes.
/// </remarks>
public sealed class ReportExporter(ReportsService reports, IStringLocalizer<SharedResource> localizer)
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public async Task<IReadOnlyList<ExportTable>> TablesAsync(ReportPeriod period, CancellationToken cancellationToken = default) =>
        ReportTables.Build(await reports.GetAsync(period, cancellationToken), localizer);

    public static string FileName(ReportPeriod period, string extension, string? table = null) =>
        $"tokenconsole-report-{period.FileStem}{(table is null ? "" : "-" + table)}.{extension}";

    public static async Task WriteXlsxAsync(IReadOnlyList<ExportTable> tables, Stream stream, CancellationToken cancellationToken = default)
    {
        // The package is written to a seekable buffer (a zip needs one); the response body is not one.
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = XlsxStyles.Stylesheet();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            var names = new List<string>();
            foreach (var table in tables)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var part = workbookPart.AddNewPart<WorksheetPart>();
                part.Worksheet = Worksheet(table);
                var name = SheetName(table.Title, names);
                names.Add(name);
                sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = (uint)names.Count, Name = name });
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken);
    }

    private static Worksheet Worksheet(ExportTable table)
    {
        var columns = new Columns(table.Columns.Select((c, i) => new Column
        {
            Min = (uint)i + 1, Max = (uint)i + 1, Width = c.Kind == ColumnKind.Text ? 28 : 18, CustomWidth = true,
        }));
        var data = new SheetData();
        data.Append(new Row(table.Columns.Select((c, i) => TextCell(c.Header, XlsxStyles.Header, Reference(i, 1)))) { RowIndex = 1 });
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var index = (uint)r + 2;
            var row = new Row { RowIndex = index };
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var kind = table.KindOf(r, c);
                var reference = Reference(c, index);
                row.Append(Value(kind, table.Rows[r][c]) switch
                {
                    null => new Cell { CellReference = reference },
                    DateOnly day => new Cell
                    {
                        CellReference = reference, CellValue = new CellValue(day.ToDateTime(TimeOnly.MinValue).ToOADate()), DataType = CellValues.Number,
                        StyleIndex = XlsxStyles.Of(ColumnKind.Date),
                    },
                    string text => TextCell(text, XlsxStyles.Of(ColumnKind.Text), reference),
                    IConvertible number => new Cell
                    {
                        CellReference = reference, CellValue = new CellValue(number.ToDecimal(CultureInfo.InvariantCulture)), DataType = CellValues.Number,
                        StyleIndex = XlsxStyles.Of(kind),
                    },
                    var other => TextCell(other.ToString() ?? "", XlsxStyles.Of(ColumnKind.Text), reference),
                });
            }
            data.Append(row);
        }
        // The header row stays in view while scrolling.
        var view = new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
        {
            WorkbookViewId = 0,
        });
        return new Worksheet(view, columns, data);
    }

    private static Cell TextCell(string text, uint style, string reference) =>
        new() { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)), StyleIndex = style };

    /// <summary>A cell's A1 reference (column from 0, row from 1).</summary>
    private static string Reference(int column, uint row)
    {
        var letters = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + (n - 1) % 26) + letters;
        }
        return letters + row.ToString(CultureInfo.InvariantCulture);
    }

    public static async Task WriteCsvAsync(ExportTable table, Stream stream, CancellationToken cancellationToken = default)
    {
        // Names come from people (customers, packages): a leading = or + must not run as a spreadsheet formula.
        var options = new CsvWriterOptions { WriteByteOrderMark = true, FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(stream, options, leaveOpen: true);
        await csv.WriteRecordAsync([.. table.Columns.Select(c => c.Header)], cancellationToken);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var value = Value(table.KindOf(r, c), table.Rows[r][c]);
                if (value is DateOnly day)
                {
                    csv.WriteField(day, "yyyy-MM-dd");
                }
                else
                {
                    csv.WriteField(value);
                }
            }
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// A cell's value as written, still a number: an amount to the fen (the decimals of CNY) and a unit price to at most
    /// six decimals (both rounded half away from zero, here, once), a ratio to four decimals, a count whole, with no
    /// trailing zeros or binary noise.
    /// </summary>
    public static object? Value(ColumnKind kind, object? value) => (kind, value) switch
    {
        (ColumnKind.Money, decimal amount) => Trim(Money.ToFen(amount)),
        (ColumnKind.UnitPrice, decimal price) => Trim(decimal.Round(price, 6, MidpointRounding.AwayFromZero)),
        (ColumnKind.Ratio, decimal ratio) => Trim(Ratio(ratio)),
        (ColumnKind.Count, decimal count) => Trim(decimal.Round(count, 0, MidpointRounding.AwayFromZero)),
        (ColumnKind.Number, decimal number) => Trim(number),
        _ => value,
    };

    /// <summary>A ratio to four decimals (0.1234 = 12.34 %), enough for a percentage with two decimals.</summary>
    public static decimal Ratio(decimal ratio) => decimal.Round(ratio, 4, MidpointRounding.AwayFromZero);

    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

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
