using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>What one way into SQLite reports about the library behind it.</summary>
/// <param name="Via">Who loaded it, for the message.</param>
/// <param name="LibraryName">The native library's name (SQLitePCL's provider says which it binds to).</param>
/// <param name="SourceIdAddress">Where the library's SQLITE_SOURCE_ID string lives: a constant inside the loaded image.</param>
internal sealed record SqliteLibraryProbe(string Via, string LibraryName, int VersionNumber, string SourceId, nint SourceIdAddress)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Via}: library '{LibraryName}', SQLite {VersionNumber} ({SourceId}), source id at 0x{SourceIdAddress:x} in {ImagePath(SourceIdAddress)}");

    /// <summary>The file mapped at an address (Linux, from /proc/self/maps), to name the two libraries in a mismatch.</summary>
    private static string ImagePath(nint address)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return "an unknown file";
        }
        foreach (var line in File.ReadLines(maps))
        {
            // "start-end perms offset dev inode path"
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var range = parts[0].Split('-');
            if (parts.Length == 6
                && ulong.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
                && (ulong)address >= start && (ulong)address < end)
            {
                return parts[5].Trim();
            }
        }
        return "an unknown file";
    }
}

/// <summary>
/// The start-up check of the native binding: <see cref="NativeMethods"/> receives SQLitePCL's raw connection and
/// statement pointers, which is only sound if its imports load the very library SQLitePCL loaded. A different
/// SQLitePCLRaw bundle (sqlcipher, winsqlite3, the system's libsqlite3) or a second copy of e_sqlite3 would take those
/// pointers for its own structures. The check compares the version, the source id and the address of the source id
/// string (a constant in the loaded image: equal only when both ways reach one copy of the library in memory), and
/// that SQLitePCL's provider is the e_sqlite3 one.
/// </summary>
/// <remarks>
/// A mismatch fails the start with a message naming both libraries rather than falling back to the plain path by
/// itself: the plain path costs the writer more per event (issue 5: about 7 µs against 5–6 µs), and a deployment that
/// silently ingests below the target is worse than one that refuses to start and says which setting
/// (<c>Ingestion:NativeBinding=false</c>) runs it knowingly on SQLitePCL alone.
/// </remarks>
internal static class NativeSqliteCheck
{
    /// <summary>Throws <see cref="InvalidOperationException"/> when the native imports do not reach SQLitePCL's library.</summary>
    public static void Verify() => Verify(ThroughSqlitePcl(), ThroughImports());

    public static void Verify(SqliteLibraryProbe sqlitePcl, SqliteLibraryProbe imports)
    {
        var problem =
            sqlitePcl.LibraryName != NativeMethods.Library ? $"SQLitePCL's provider binds '{sqlitePcl.LibraryName}', not '{NativeMethods.Library}'"
            : sqlitePcl.VersionNumber != imports.VersionNumber || sqlitePcl.SourceId != imports.SourceId ? "they are different SQLite builds"
            : sqlitePcl.SourceIdAddress != imports.SourceIdAddress ? "they are two copies of SQLite loaded in one process"
            : null;
        if (problem is not null)
        {
            throw new InvalidOperationException(
                $"The usage writer's native SQLite binding cannot be used: {problem}. {sqlitePcl}. {imports}. " +
                "Passing SQLitePCL's handles to another library would corrupt memory. Set Ingestion:NativeBinding to false to write " +
                "usage through SQLitePCL alone (slower), or restore the SQLitePCLRaw.bundle_e_sqlite3 bundle that Microsoft.Data.Sqlite ships with.");
        }
    }

    public static unsafe SqliteLibraryProbe ThroughSqlitePcl()
    {
        // Microsoft.Data.Sqlite chooses and initializes SQLitePCL's provider in SqliteConnection's static constructor.
        RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        var sourceId = raw.sqlite3_sourceid();
        nint address;
        // utf8z is a span over the library's own string, not a copy: its address is inside the image SQLitePCL loaded.
        fixed (byte* text = sourceId)
        {
            address = (nint)text;
        }
        return new SqliteLibraryProbe("SQLitePCL (" + raw.GetNativeLibraryName() + " provider)", raw.GetNativeLibraryName(),
            raw.sqlite3_libversion_number(), sourceId.utf8_to_string(), address);
    }

    public static SqliteLibraryProbe ThroughImports()
    {
        var address = NativeMethods.SourceIdAddress();
        return new SqliteLibraryProbe("TokenConsole's LibraryImport", NativeMethods.Library, NativeMethods.LibVersionNumber(),
            Marshal.PtrToStringUTF8(address) ?? "", address);
    }
}
