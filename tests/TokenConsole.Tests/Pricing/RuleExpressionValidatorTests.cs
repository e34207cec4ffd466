using TokenConsole.Features.Pricing;

namespace TokenConsole.Tests.Pricing;

public sealed class RuleExpressionValidatorTests
{
    [Theory]
    [InlineData("u.Region == \"CN-GD\" && u.Industry == \"finance\"")]
    [InlineData("Fn.Between(u.Hour, 22, 6) || Fn.Weekend(u.Day)")]
    [InlineData("u.MonthlyTokens >= 1e8 and u.Segment.StartsWith(\"Gov\")")]
    [InlineData("Fn.In(u.Region, \"CN-GD,CN-SH\") && u.Tokens > 1000")]
    [InlineData("u.Tokens > 1.5e6 && u.MonthlyTokens < 0x7FFFFFFF")]
    [InlineData("u.Tokens >= 10L && u.Hour < 12")]
    [InlineData("u.MonthlyTokens > 2.5E+3")]
    [InlineData("u.Tokens * 1.5 > 100.25")]
    public void Expressions_over_the_usage_context_and_the_safe_helpers_compile(string expression)
    {
        var check = RuleExpressionValidator.Compile(expression);
        Assert.True(check.IsValid, check.Error);
    }

    [Theory]
    [InlineData("System.IO.File.Exists(\"/etc/passwd\")", "System", 0)]
    [InlineData("u.GetType().Assembly != null", "GetType", 2)]
    [InlineData("Type.GetType(\"System.IO.File\") != null", "Type", 0)]
    [InlineData("u.Region.GetType().GetMethods().Length > 0", "GetType", 9)]
    [InlineData("\"x\".GetType().Name == \"x\"", "GetType", 4)]
    [InlineData("Environment.Exit(1) == null", "Environment", 0)]
    [InlineData("new (u.Region as Name) != null", "new", 0)]
    [InlineData("u.Region == \"a\" && Activator.CreateInstance(null) != null", "Activator", 19)]
    // Issue 12: numbers were read up to the next non-letter, dots included, so a member of a number slipped through.
    [InlineData("1.5.GetType() != null", "GetType", 4)]
    [InlineData("0x10.GetType() != null", "GetType", 5)]
    [InlineData("1e3.GetType() != null", "GetType", 4)]
    [InlineData("u.Tokens > 1 && 1.5e-3m.GetType().Assembly != null", "GetType", 24)]
    [InlineData("u.Tokens > 10UL.GetType().GetFields().Length", "GetType", 16)]
    [InlineData("1 .GetType() != null", "GetType", 3)]
    [InlineData("2.5 . ToString() == \"2.5\"", "ToString", 6)]
    public void Attempts_to_reach_types_io_or_reflection_are_refused_at_save_with_the_position(string expression, string name, int position)
    {
        var check = RuleExpressionValidator.Compile(expression);
        Assert.False(check.IsValid);
        Assert.Contains($"'{name}'", check.Error, StringComparison.Ordinal);
        Assert.Equal(position, check.Position);
    }

    [Fact]
    public void Text_inside_a_string_literal_is_not_taken_for_code()
    {
        Assert.True(RuleExpressionValidator.Compile("u.Industry == \"System.IO GetType\"").IsValid);
    }

    [Theory]
    [InlineData("u.Region ==", 11)]
    [InlineData("u.Nope == 1", 2)]
    [InlineData("u.Region == 3", null)]
    public void A_syntax_or_type_error_is_reported(string expression, int? position)
    {
        var check = RuleExpressionValidator.Compile(expression);
        Assert.False(check.IsValid);
        Assert.False(string.IsNullOrEmpty(check.Error));
        if (position is not null)
        {
            Assert.Equal(position, check.Position);
        }
    }

    [Fact]
    public void An_expression_that_is_not_a_condition_is_refused()
    {
        Assert.False(RuleExpressionValidator.Compile("u.Tokens + 1").IsValid);
    }
}
