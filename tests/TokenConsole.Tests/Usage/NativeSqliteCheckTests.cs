using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>The start-up check that the writer's native imports reach the very SQLite library SQLitePCL loaded.</summary>
public sealed class NativeSqliteCheckTests
{
    [Fact]
    public void The_native_imports_reach_the_library_SQLitePCL_loaded()
    {
        var sqlitePcl = NativeSqliteCheck.ThroughSqlitePcl();
        var imports = NativeSqliteCheck.ThroughImports();

        Assert.Equal("e_sqlite3", sqlitePcl.LibraryName);
        Assert.True(sqlitePcl.VersionNumber >= 3_040_000, $"SQLite {sqlitePcl.VersionNumber}");
        Assert.Equal(sqlitePcl.VersionNumber, imports.VersionNumber);
        Assert.Equal(sqlitePcl.SourceId, imports.SourceId);
        // One copy of the library in memory: SQLitePCL's view of the source id string is that very string, not a copy.
        Assert.Equal(sqlitePcl.SourceIdAddress, imports.SourceIdAddress);
        NativeSqliteCheck.Verify();
    }

    [Fact]
    public void A_different_SQLite_build_behind_the_imports_fails_with_both_libraries_named_and_the_way_out()
    {
        var sqlitePcl = NativeSqliteCheck.ThroughSqlitePcl();
        var imports = NativeSqliteCheck.ThroughImports() with { VersionNumber = 3_008_000, SourceId = "2013-08-26 04:50:08 older" };

        var error = Assert.Throws<InvalidOperationException>(() => NativeSqliteCheck.Verify(sqlitePcl, imports));

        Assert.Contains("different SQLite builds", error.Message, StringComparison.Ordinal);
        Assert.Contains("SQLitePCL (e_sqlite3 provider): library 'e_sqlite3', SQLite " + sqlitePcl.VersionNumber, error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenConsole's LibraryImport: library 'e_sqlite3', SQLite 3008000 (2013-08-26 04:50:08 older)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ingestion:NativeBinding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_copy_of_the_same_SQLite_build_is_refused()
    {
        var sqlitePcl = NativeSqliteCheck.ThroughSqlitePcl();
        var imports = NativeSqliteCheck.ThroughImports() with { SourceIdAddress = sqlitePcl.SourceIdAddress + 4096 };

        var error = Assert.Throws<InvalidOperationException>(() => NativeSqliteCheck.Verify(sqlitePcl, imports));

        Assert.Contains("two copies of SQLite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_SQLitePCL_provider_other_than_e_sqlite3_is_refused()
    {
        var sqlitePcl = NativeSqliteCheck.ThroughSqlitePcl() with { LibraryName = "e_sqlcipher" };

        var error = Assert.Throws<InvalidOperationException>(() => NativeSqliteCheck.Verify(sqlitePcl, NativeSqliteCheck.ThroughImports()));

        Assert.Contains("binds 'e_sqlcipher'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_names_the_file_each_library_was_loaded_from()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var imports = NativeSqliteCheck.ThroughImports();

        Assert.Contains("e_sqlite3.so", imports.ToString(), StringComparison.Ordinal);
    }
}
