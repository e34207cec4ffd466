using System.Text;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>The CSV reader tells a row that is not an event (column count, not CSV, a count that is not a number) from one validation will check.</summary>
public sealed class CsvUsageReaderTests
{
    private const string Header = "id,timestamp,customer,package,model,region,industry,inputTokens,outputTokens";

    private static (List<(long Line, UsageEventRequest Event)> Rows, List<CsvRowProblem> Problems) Read(params string[] lines)
    {
        var problems = new List<CsvRowProblem>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines.Prepend(Header)) + "\n"));
        var rows = CsvUsageReader.Read(stream, message => Assert.Fail(message), problems.Add).ToList();
        return (rows, problems);
    }

    [Fact]
    public void A_row_with_another_column_count_than_the_header_is_reported_with_both_counts()
    {
        var (rows, problems) = Read("e1,2026-11-27T10:00:00Z,C1,P,m,CN-GD,finance,10", "e2,2026-11-27T10:00:00Z,C1,P,m,CN-GD,finance,10,20");
        var problem = Assert.Single(problems);
        Assert.Equal((2L, CsvRowProblem.ColumnCount), (problem.Line, problem.Code));
        Assert.Equal([8, 9], problem.Args);
        Assert.Equal("e1", problem.Fields[0]);
        Assert.Equal("e2", Assert.Single(rows).Event.Id);
    }

    [Fact]
    public void A_token_count_that_is_not_a_whole_number_names_its_column_and_value()
    {
        var (rows, problems) = Read("e1,2026-11-27T10:00:00Z,C1,P,m,CN-GD,finance,10,2.5", "e2,2026-11-27T10:00:00Z,C1,P,m,CN-GD,finance,,20");
        var problem = Assert.Single(problems);
        Assert.Equal(("outputTokens", CsvRowProblem.NotANumber), (problem.Field, problem.Code));
        Assert.Equal(["outputTokens", "2.5"], problem.Args);
        // An empty count is left to validation, which says it is required.
        Assert.Null(Assert.Single(rows).Event.InputTokens);
    }

    [Fact]
    public void A_row_that_is_not_CSV_is_reported_as_such()
    {
        var (rows, problems) = Read("e1,\"2026-11-27T10:00:00Z,C1,P,m,CN-GD,finance,10,20");
        Assert.Equal(CsvRowProblem.NotCsv, Assert.Single(problems).Code);
        Assert.Empty(rows);
    }
}
