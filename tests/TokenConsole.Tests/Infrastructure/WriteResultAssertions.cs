using TokenConsole.Data.Writes;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>Reads a change's result in a test: done (its value), or refused (its refusal), failing the test otherwise.</summary>
public static class WriteResultAssertions
{
    public static async Task<T> OkAsync<T>(this Task<WriteResult<T>> write)
    {
        var result = await write;
        Assert.True(result.Succeeded, result.Refusal?.Code);
        return result.Value!;
    }

    public static async Task<Refusal> RefusedAsync<T>(this Task<WriteResult<T>> write)
    {
        var result = await write;
        Assert.False(result.Succeeded, "The change went through; a refusal was expected.");
        return result.Refusal!;
    }
}
