using DocumentFormat.OpenXml.Spreadsheet;

namespace TokenConsole.Features.Reports;

/// <summary>
/// The workbook's stylesheet: the smallest one Excel, LibreOffice and openpyxl all accept (one font plus a bold one,
/// the two fills the format reserves — none and gray125 —, one empty border) and a cell format per column kind.
/// </summary>
internal static class XlsxStyles
{
    public const uint Header = 1;

    // Custom number formats start at id 164; the ones below 164 are built in and differ between applications.
    private static readonly (ColumnKind Kind, string Code)[] Formats =
    [
        (ColumnKind.Count, "#,##0"),
        (ColumnKind.Money, "#,##0.00"),
        (ColumnKind.UnitPrice, "#,##0.00####"),
        (ColumnKind.Ratio, "0.0%"),
        (ColumnKind.Date, "yyyy-mm-dd"),
    ];

    /// <summary>The cell format of a kind: 0 is General (text and plain numbers), 1 the header, then one per number format.</summary>
    public static uint Of(ColumnKind kind)
    {
        var i = Array.FindIndex(Formats, f => f.Kind == kind);
        return i < 0 ? 0 : (uint)i + 2;
    }

    public static Stylesheet Stylesheet() => new(
        new NumberingFormats(Formats.Select((f, i) => new NumberingFormat { NumberFormatId = 164 + (uint)i, FormatCode = f.Code })) { Count = (uint)Formats.Length },
        new Fonts(new Font(new FontSize { Val = 11 }), new Font(new Bold(), new FontSize { Val = 11 })) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new[] { new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 }, new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true } }
                .Concat(Formats.Select((_, i) => new CellFormat { NumberFormatId = 164 + (uint)i, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true })))
        { Count = (uint)Formats.Length + 2 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
}
