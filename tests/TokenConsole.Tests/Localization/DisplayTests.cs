using System.Globalization;
using TokenConsole.Localization;

namespace TokenConsole.Tests.Localization;

public sealed class DisplayTests
{
    private static readonly CultureInfo Zh = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");

    [Theory]
    [InlineData(123_456_789d, "1.23亿")]
    [InlineData(4_567_000_000d, "45.7亿")]
    [InlineData(45_670d, "4.57万")]
    [InlineData(12_345_678d, "1235万")]
    [InlineData(1_234_567_890_123d, "12346亿")]
    [InlineData(9_999d, "9,999")]
    public void Chinese_counts_large_numbers_in_wan_and_yi(double value, string expected) =>
        Assert.Equal(expected, Display.Compact(value, Zh));

    [Theory]
    [InlineData(1_234_567d, "1.23M")]
    [InlineData(14_200_000_000d, "14.2B")]
    [InlineData(4_570d, "4.57K")]
    [InlineData(999d, "999")]
    public void English_counts_large_numbers_in_K_M_and_B(double value, string expected) =>
        Assert.Equal(expected, Display.Compact(value, En));

    [Fact]
    public void Money_is_in_yuan_with_thousands_separators_or_compact()
    {
        Assert.Equal("¥1,234,567.50", Display.Money(1_234_567.5m, culture: En));
        Assert.Equal("¥23.5万", Display.Money(234_567.5m, compact: true, culture: Zh));
        Assert.Equal("¥1.23亿", Display.Money(123_456_789, compact: true, culture: Zh));
        Assert.Equal("-¥12.00", Display.Money(-12, culture: En));
    }

    [Fact]
    public void A_change_is_signed_and_missing_comparisons_show_a_dash()
    {
        Assert.Equal("+12.3%", Display.Change(0.1234, En));
        Assert.Equal("−4.0%", Display.Change(-0.04, En));
        Assert.Equal("—", Display.Change((decimal?)null, En));
    }
}
