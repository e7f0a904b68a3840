using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PhiAccessAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "phi_access_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    client_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    patient_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    purpose_of_use = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    query = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ip_address = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true),
                    forwarded_for = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    request_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    chain_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    key_id = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    previous_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_phi_access_records", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_phi_access_records_chain_id_sequence",
                table: "phi_access_records",
                columns: new[] { "chain_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_phi_access_records_organization_id_occurred_at",
                table: "phi_access_records",
                columns: new[] { "organization_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_phi_access_records_organization_id_user_id_occurred_at",
                table: "phi_access_records",
                columns: new[] { "organization_id", "user_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_phi_access_records_patient_ids",
                table: "phi_access_records",
                column: "patient_ids")
                .Annotation("Npgsql:IndexMethod", "gin");

            // Append-only: the service never changes or removes a record, and the database refuses it too. (Someone who
            // can drop the trigger can change rows; the chain's signatures are what reveal that.)
            migrationBuilder.Sql("""
                CREATE FUNCTION phi_access_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'phi_access_records is append-only';
                END $$;
                CREATE TRIGGER phi_access_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON phi_access_records
                    FOR EACH STATEMENT EXECUTE FUNCTION phi_access_records_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER phi_access_records_append_only ON phi_access_records; DROP FUNCTION phi_access_records_append_only();");
            migrationBuilder.DropTable(
                name: "phi_access_records");
        }
    }
}
