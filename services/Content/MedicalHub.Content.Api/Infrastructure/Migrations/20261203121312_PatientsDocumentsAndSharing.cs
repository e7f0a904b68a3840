using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PatientsDocumentsAndSharing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:fuzzystrmatch", ",,");

            migrationBuilder.AddColumn<string>(
                name: "category",
                table: "documents",
                type: "character varying(50)",
                maxLength: 50,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "current_version",
                table: "documents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "deleted_at",
                table: "documents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "deleted_by",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "file_name",
                table: "documents",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "patient_id",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "documents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "sha256",
                table: "documents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

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
                name: "share_links",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    one_time = table.Column<bool>(type: "boolean", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    access_code_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    access_code_salt = table.Column<byte[]>(type: "bytea", nullable: true),
                    failed_code_attempts = table.Column<int>(type: "integer", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_share_links", x => x.id);
                    table.ForeignKey(
                        name: "fk_share_links_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shares",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recipient_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recipient_role = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    recipient_organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shares", x => x.id);
                    table.CheckConstraint("ck_shares_one_recipient", "(recipient_user_id IS NULL) <> (recipient_role IS NULL)");
                    table.CheckConstraint("ck_shares_one_subject", "(document_id IS NULL) <> (patient_id IS NULL)");
                    table.ForeignKey(
                        name: "fk_shares_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "stored_objects",
                columns: table => new
                {
                    key = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    backend = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    media_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stored_objects", x => x.key);
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

            migrationBuilder.CreateTable(
                name: "share_link_uses",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    link_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    remote_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_share_link_uses", x => x.id);
                    table.ForeignKey(
                        name: "fk_share_link_uses_share_links_link_id",
                        column: x => x.link_id,
                        principalTable: "share_links",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "document_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    stored_object_key = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    media_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    restored_from = table.Column<int>(type: "integer", nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_document_versions_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_document_versions_stored_objects_stored_object_key",
                        column: x => x.stored_object_key,
                        principalTable: "stored_objects",
                        principalColumn: "key",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stored_object_chunks",
                columns: table => new
                {
                    object_key = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stored_object_chunks", x => new { x.object_key, x.sequence });
                    table.ForeignKey(
                        name: "fk_stored_object_chunks_stored_objects_object_key",
                        column: x => x.object_key,
                        principalTable: "stored_objects",
                        principalColumn: "key",
                        onDelete: ReferentialAction.Cascade);
                });

            // Chunks are mostly compressed formats already (PDF, JPEG, DICOM…): no compression attempt, and range reads
            // of a chunk need not decompress it.
            migrationBuilder.Sql("ALTER TABLE stored_object_chunks ALTER COLUMN data SET STORAGE EXTERNAL;");

            migrationBuilder.CreateIndex(
                name: "ix_documents_deleted_at",
                table: "documents",
                column: "deleted_at",
                filter: "deleted_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_documents_organization_id_patient_id_created_at",
                table: "documents",
                columns: new[] { "organization_id", "patient_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_document_versions_document_id_number",
                table: "document_versions",
                columns: new[] { "document_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_document_versions_stored_object_key",
                table: "document_versions",
                column: "stored_object_key");

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

            migrationBuilder.CreateIndex(
                name: "ix_share_link_uses_link_id_at",
                table: "share_link_uses",
                columns: new[] { "link_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_share_links_document_id",
                table: "share_links",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_share_links_organization_id_document_id",
                table: "share_links",
                columns: new[] { "organization_id", "document_id" });

            migrationBuilder.CreateIndex(
                name: "ix_share_links_token_hash",
                table: "share_links",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_shares_document_id",
                table: "shares",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_shares_organization_id_document_id",
                table: "shares",
                columns: new[] { "organization_id", "document_id" });

            migrationBuilder.CreateIndex(
                name: "ix_shares_organization_id_patient_id",
                table: "shares",
                columns: new[] { "organization_id", "patient_id" });

            migrationBuilder.CreateIndex(
                name: "ix_shares_recipient_organization_id_recipient_role",
                table: "shares",
                columns: new[] { "recipient_organization_id", "recipient_role" },
                filter: "revoked_at IS NULL AND recipient_role IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_shares_recipient_organization_id_recipient_user_id",
                table: "shares",
                columns: new[] { "recipient_organization_id", "recipient_user_id" },
                filter: "revoked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_stored_objects_last_activity_at",
                table: "stored_objects",
                column: "last_activity_at",
                filter: "state = 'Staging'");

            migrationBuilder.CreateIndex(
                name: "ix_stored_objects_organization_id_sha256",
                table: "stored_objects",
                columns: new[] { "organization_id", "sha256" },
                unique: true,
                filter: "state = 'Committed'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "document_versions");

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
                name: "share_link_uses");

            migrationBuilder.DropTable(
                name: "shares");

            migrationBuilder.DropTable(
                name: "stored_object_chunks");

            migrationBuilder.DropTable(
                name: "patients");

            migrationBuilder.DropTable(
                name: "share_links");

            migrationBuilder.DropTable(
                name: "stored_objects");

            migrationBuilder.DropIndex(
                name: "ix_documents_deleted_at",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_organization_id_patient_id_created_at",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "category",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "current_version",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "deleted_at",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "deleted_by",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "file_name",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "patient_id",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "sha256",
                table: "documents");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:fuzzystrmatch", ",,");
        }
    }
}
