using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Patients : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:fuzzystrmatch", ",,");

            migrationBuilder.CreateTable(
                name: "medical_record_number_counters",
                columns: table => new
                {
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_number = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_medical_record_number_counters", x => x.organization_id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    trace_parent = table.Column<string>(type: "character varying(55)", maxLength: 55, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dead_lettered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patients",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    names = table.Column<string>(type: "jsonb", nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    gender = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    telecom = table.Column<string>(type: "jsonb", nullable: false),
                    addresses = table.Column<string>(type: "jsonb", nullable: false),
                    merged_into_id = table.Column<Guid>(type: "uuid", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    sort_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false, collation: "C"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifiers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    system = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    value = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    use = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    type_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_identifiers", x => x.id);
                    table.ForeignKey(
                        name: "fk_patient_identifiers_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "patient_name_terms",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    term = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    is_family = table.Column<bool>(type: "boolean", nullable: false),
                    phonetic = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true, computedColumnSql: "dmetaphone(term)", stored: true),
                    phonetic_alternative = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true, computedColumnSql: "dmetaphone_alt(term)", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_name_terms", x => x.id);
                    table.ForeignKey(
                        name: "fk_patient_name_terms_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "patient_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    change = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    snapshot = table.Column<string>(type: "jsonb", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_patient_versions_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_due",
                table: "outbox_messages",
                columns: new[] { "next_attempt_at", "id" },
                filter: "dispatched_at IS NULL AND dead_lettered_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_message_id",
                table: "outbox_messages",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_patient_identifiers_organization_id_system_value",
                table: "patient_identifiers",
                columns: new[] { "organization_id", "system", "value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_patient_identifiers_organization_id_value",
                table: "patient_identifiers",
                columns: new[] { "organization_id", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_patient_identifiers_patient_id",
                table: "patient_identifiers",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_patient_name_terms_organization_id_phonetic",
                table: "patient_name_terms",
                columns: new[] { "organization_id", "phonetic" });

            migrationBuilder.CreateIndex(
                name: "ix_patient_name_terms_organization_id_phonetic_alternative",
                table: "patient_name_terms",
                columns: new[] { "organization_id", "phonetic_alternative" });

            migrationBuilder.CreateIndex(
                name: "ix_patient_name_terms_organization_id_term",
                table: "patient_name_terms",
                columns: new[] { "organization_id", "term" });

            migrationBuilder.CreateIndex(
                name: "ix_patient_name_terms_patient_id",
                table: "patient_name_terms",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_patient_versions_patient_id_version",
                table: "patient_versions",
                columns: new[] { "patient_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_patients_merged_into_id",
                table: "patients",
                column: "merged_into_id");

            migrationBuilder.CreateIndex(
                name: "ix_patients_organization_id_birth_date",
                table: "patients",
                columns: new[] { "organization_id", "birth_date" });

            migrationBuilder.CreateIndex(
                name: "ix_patients_organization_id_sort_name_id",
                table: "patients",
                columns: new[] { "organization_id", "sort_name", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "medical_record_number_counters");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "patient_identifiers");

            migrationBuilder.DropTable(
                name: "patient_name_terms");

            migrationBuilder.DropTable(
                name: "patient_versions");

            migrationBuilder.DropTable(
                name: "patients");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:fuzzystrmatch", ",,");
        }
    }
}
