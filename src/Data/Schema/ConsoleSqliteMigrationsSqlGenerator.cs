using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace TokenConsole.Data.Schema;

/// <summary>
/// SQLite's migration SQL plus the <see cref="SchemaAnnotations"/>: <c>WITHOUT ROWID</c> after the column list of a
/// table that asks for it, and the triggers that make an append-only table refuse UPDATE and DELETE. Both follow every
/// CREATE TABLE of the table, so the table rebuild EF does to alter a column on SQLite keeps them too
/// (SchemaTests and AuditLogTests check the result on a migrated database).
/// </summary>
public sealed class ConsoleSqliteMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, IRelationalAnnotationProvider annotations)
    : SqliteMigrationsSqlGenerator(dependencies, annotations)
{
    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true)
    {
        // A rebuild creates the table as ef_temp_<name>, copies the rows, drops the old table (and its triggers) and
        // renames the new one; its triggers follow the rename, so they are made on the temporary table under its name.
        var table = operation.Name.StartsWith(TemporaryPrefix, StringComparison.Ordinal) ? operation.Name[TemporaryPrefix.Length..] : operation.Name;
        base.Generate(operation, model, builder, terminate: false);
        if (SchemaAnnotations.Has(model, table, operation.Schema, SchemaAnnotations.WithoutRowId))
        {
            builder.Append(" WITHOUT ROWID");
        }
        if (!terminate)
        {
            return;
        }
        builder.AppendLine(Dependencies.SqlGenerationHelper.StatementTerminator);
        EndStatement(builder);
        if (SchemaAnnotations.Has(model, table, operation.Schema, SchemaAnnotations.AppendOnly))
        {
            AppendOnlyTriggers(operation.Name, table, builder);
        }
    }

    private const string TemporaryPrefix = "ef_temp_";

    private void AppendOnlyTriggers(string createdTable, string table, MigrationCommandListBuilder builder)
    {
        var sql = Dependencies.SqlGenerationHelper;
        foreach (var (verb, name, done) in new[] { ("UPDATE", "NoUpdate", "changed"), ("DELETE", "NoDelete", "deleted") })
        {
            builder
                .Append($"CREATE TRIGGER {sql.DelimitIdentifier($"{createdTable}_{name}")} BEFORE {verb} ON {sql.DelimitIdentifier(createdTable)} ")
                .Append($"BEGIN SELECT RAISE(ABORT, 'The table {table} is append-only: rows cannot be {done}.'); END")
                .AppendLine(sql.StatementTerminator);
            EndStatement(builder);
        }
    }
}
