using System.Runtime.InteropServices;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// The few SQLite functions the usage writer calls per row, bound directly to the e_sqlite3 library that SQLitePCL
/// loads. Each SQLitePCL call goes through an interface and adds and releases a reference on the statement's safe
/// handle; at about twenty calls per event that was a tenth of the single writer thread's time (issue 5). The writer
/// holds a reference on its SQLitePCL statements for as long as it uses their raw handles here, and
/// <see cref="NativeSqliteCheck"/> proves at start-up that these imports reach the very library SQLitePCL uses
/// (a second copy of SQLite in the process would take the writer's handles as its own and corrupt memory).
/// </summary>
/// <remarks>
/// No function here is marked <c>SuppressGCTransition</c>, whose contract excludes functions that take locks,
/// allocate, block or may call back into the runtime
/// (https://learn.microsoft.com/dotnet/api/system.runtime.interopservices.suppressgctransitionattribute). In SQLite's
/// source every <c>sqlite3_bind_*</c> and <c>sqlite3_reset</c> enter the connection's mutex
/// (<c>sqlite3_mutex_enter(db-&gt;mutex)</c> in vdbeUnbind and sqlite3_reset) and may free the previous value;
/// <c>bind_text16</c> with SQLITE_TRANSIENT also allocates and converts the copy. <c>sqlite3_changes</c> only reads
/// <c>db-&gt;nChange</c>, but under SQLITE_ENABLE_API_ARMOR a bad handle goes to <c>sqlite3_log</c>, which calls the
/// log callback a provider may have installed in managed code: one transition per event (a few nanoseconds of the
/// writer's ~5 µs) is not worth that exception to the rule.
/// </remarks>
internal static partial class NativeMethods
{
    internal const string Library = "e_sqlite3";

    /// <summary>The search path of every import here, and of <see cref="NativeSqliteCheck"/>'s look-up of the same library.</summary>
    internal const DllImportSearchPath SearchPath = DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories;

    /// <summary>SQLITE_TRANSIENT: SQLite copies the text before the bind returns.</summary>
    private static readonly nint Transient = -1;

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static partial int sqlite3_bind_int64(nint statement, int index, long value);

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static unsafe partial int sqlite3_bind_text16(nint statement, int index, char* text, int bytes, nint destructor);

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static partial int sqlite3_step(nint statement);

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static partial int sqlite3_reset(nint statement);

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static partial int sqlite3_changes(nint db);

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static partial int sqlite3_libversion_number();

    [LibraryImport(Library), DefaultDllImportSearchPaths(SearchPath)]
    private static partial nint sqlite3_sourceid();

    // Binding a parameter index the statement has, or resetting it, cannot fail: their result codes carry nothing.
    public static void BindInt64(nint statement, int index, long value) => _ = sqlite3_bind_int64(statement, index, value);


    // The string is pinned for the call only: SQLITE_TRANSIENT makes SQLite copy it before returning.
    public static unsafe void BindText(nint statement, int index, string text)
    {
        fixed (char* chars = text)
        {
            _ = sqlite3_bind_text16(statement, index, chars, text.Length * sizeof(char), Transient);
        }
    }

    public static int Step(nint statement) => sqlite3_step(statement);

    public static void Reset(nint statement) => _ = sqlite3_reset(statement);

    public static int Changes(nint db) => sqlite3_changes(db);

    public static int LibVersionNumber() => sqlite3_libversion_number();

    /// <summary>The address of the library's SQLITE_SOURCE_ID string: a constant inside the loaded image, so two copies of SQLite give two addresses.</summary>
    public static nint SourceIdAddress() => sqlite3_sourceid();
}
