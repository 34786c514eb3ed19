"""1: the initial schema (frozen DDL; later changes are new migrations, never edits here)."""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE app_user (
	id VARCHAR(36) NOT NULL,
	username VARCHAR(40) NOT NULL,
	display_name VARCHAR(40) NOT NULL,
	role VARCHAR(16) NOT NULL,
	school_id VARCHAR(36),
	key_slot_id VARCHAR(36) NOT NULL,
	active BOOLEAN NOT NULL,
	created_at VARCHAR(32) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (username)
);

CREATE TABLE blob (
	sha256 VARCHAR(64) NOT NULL,
	media_type VARCHAR(40) NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (sha256)
);

CREATE TABLE campaign (
	code VARCHAR(40) NOT NULL,
	kind VARCHAR(16) NOT NULL,
	name VARCHAR(80) NOT NULL,
	starts_on DATE NOT NULL,
	ends_on DATE NOT NULL,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id)
);

CREATE TABLE "conflict" (
	tbl VARCHAR(32) NOT NULL,
	row_id VARCHAR(36) NOT NULL,
	field VARCHAR(40) NOT NULL,
	heads JSON NOT NULL,
	PRIMARY KEY (tbl, row_id, field)
);

CREATE TABLE device_state (
	id INTEGER NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	device_name VARCHAR(80),
	last_seq INTEGER NOT NULL,
	last_hlc INTEGER NOT NULL,
	school_id VARCHAR(36),
	created_at VARCHAR(32) NOT NULL,
	PRIMARY KEY (id)
);

CREATE TABLE op_atom (
	id INTEGER NOT NULL,
	value VARCHAR(64) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (value)
);

CREATE TABLE op_log (
	device INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	hlc INTEGER NOT NULL,
	tbl VARCHAR(32) NOT NULL,
	row_id VARCHAR(36) NOT NULL,
	scope INTEGER NOT NULL,
	user INTEGER,
	data TEXT NOT NULL,
	prev TEXT,
	PRIMARY KEY (device, seq)
)
 WITHOUT ROWID;

CREATE INDEX ix_op_log_row_id ON op_log (row_id);

CREATE TABLE township (
	code VARCHAR(12) NOT NULL,
	name VARCHAR(60) NOT NULL,
	kind VARCHAR(12),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id)
);

CREATE TABLE village (
	township_id VARCHAR(36) NOT NULL,
	code VARCHAR(15),
	name VARCHAR(60) NOT NULL,
	kind VARCHAR(12),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(township_id) REFERENCES township (id)
);

CREATE INDEX ix_village_township_id ON village (township_id);

CREATE TABLE hamlet (
	village_id VARCHAR(36) NOT NULL,
	name VARCHAR(60) NOT NULL,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(village_id) REFERENCES village (id)
);

CREATE INDEX ix_hamlet_village_id ON hamlet (village_id);

CREATE TABLE school (
	code VARCHAR(20),
	name VARCHAR(80) NOT NULL,
	school_type VARCHAR(16) NOT NULL,
	township_id VARCHAR(36),
	village_id VARCHAR(36),
	address VARCHAR(200),
	phone VARCHAR(20),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(township_id) REFERENCES township (id),
	FOREIGN KEY(village_id) REFERENCES village (id)
);

CREATE INDEX ix_school_code ON school (code);

CREATE TABLE household (
	head_name VARCHAR(40),
	address VARCHAR(200),
	township_id VARCHAR(36),
	village_id VARCHAR(36),
	hamlet_id VARCHAR(36),
	phone VARCHAR(20),
	household_type VARCHAR(2),
	registration_place VARCHAR(200),
	hardship JSON NOT NULL,
	notes TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(township_id) REFERENCES township (id),
	FOREIGN KEY(village_id) REFERENCES village (id),
	FOREIGN KEY(hamlet_id) REFERENCES hamlet (id)
);

CREATE INDEX ix_household_village_id ON household (village_id);

CREATE TABLE household_member (
	household_id VARCHAR(36) NOT NULL,
	name VARCHAR(40) NOT NULL,
	relation VARCHAR(20),
	phone VARCHAR(20),
	work VARCHAR(100),
	works_away BOOLEAN NOT NULL,
	is_guardian BOOLEAN NOT NULL,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(household_id) REFERENCES household (id)
);

CREATE INDEX ix_household_member_household_id ON household_member (household_id);

CREATE TABLE student (
	school_id VARCHAR(36) NOT NULL,
	household_id VARCHAR(36),
	name VARCHAR(40) NOT NULL,
	name_initials VARCHAR(40),
	sex VARCHAR(1) NOT NULL,
	birth_date DATE NOT NULL,
	ethnicity VARCHAR(2),
	id_type VARCHAR(1) NOT NULL,
	id_number VARCHAR(18),
	student_number VARCHAR(19),
	grade INTEGER NOT NULL,
	class_name VARCHAR(20),
	status VARCHAR(16) NOT NULL,
	registered_poor BOOLEAN NOT NULL,
	left_behind VARCHAR(1) NOT NULL,
	disability_type VARCHAR(1),
	disability_grade VARCHAR(1),
	migrant BOOLEAN NOT NULL,
	orphan BOOLEAN NOT NULL,
	martyr_family BOOLEAN NOT NULL,
	boarding VARCHAR(10),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(school_id) REFERENCES school (id),
	FOREIGN KEY(household_id) REFERENCES household (id)
);

CREATE INDEX ix_student_household_id ON student (household_id);

CREATE INDEX ix_student_id_number ON student (id_number);

CREATE INDEX ix_student_school_grade ON student (school_id, grade, class_name);

CREATE INDEX ix_student_student_number ON student (student_number);

CREATE TABLE dropout_case (
	student_id VARCHAR(36) NOT NULL,
	school_id VARCHAR(36) NOT NULL,
	status VARCHAR(12) NOT NULL,
	detected_on DATE NOT NULL,
	dropped_month VARCHAR(7),
	reason VARCHAR(16) NOT NULL,
	reason_detail TEXT,
	whereabouts VARCHAR(200),
	help_given TEXT,
	"plan" TEXT,
	outcome VARCHAR(16),
	outcome_on DATE,
	return_mode VARCHAR(12),
	placement VARCHAR(120),
	placement_verified BOOLEAN NOT NULL,
	closed_on DATE,
	typical BOOLEAN NOT NULL,
	story TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES student (id)
);

CREATE INDEX ix_dropout_case_school_id ON dropout_case (school_id);

CREATE INDEX ix_dropout_case_student_id ON dropout_case (student_id);

CREATE TABLE key_target (
	student_id VARCHAR(36) NOT NULL,
	campaign_id VARCHAR(36),
	risk_reasons JSON NOT NULL,
	notes TEXT,
	flagged_on DATE NOT NULL,
	active BOOLEAN NOT NULL,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES student (id),
	FOREIGN KEY(campaign_id) REFERENCES campaign (id)
);

CREATE INDEX ix_key_target_student_id ON key_target (student_id);

CREATE TABLE registry_change (
	student_id VARCHAR(36) NOT NULL,
	change_type VARCHAR(16) NOT NULL,
	effective_on DATE NOT NULL,
	from_school_id VARCHAR(36),
	to_school_id VARCHAR(36),
	from_grade INTEGER,
	to_grade INTEGER,
	from_status VARCHAR(16),
	to_status VARCHAR(16),
	reason TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES student (id)
);

CREATE INDEX ix_registry_change_student_id ON registry_change (student_id);

CREATE TABLE responsibility (
	student_id VARCHAR(36) NOT NULL,
	line VARCHAR(12) NOT NULL,
	role VARCHAR(16) NOT NULL,
	person_name VARCHAR(40) NOT NULL,
	unit VARCHAR(80),
	phone VARCHAR(20),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES student (id)
);

CREATE INDEX ix_responsibility_student_id ON responsibility (student_id);

CREATE TABLE return_check (
	student_id VARCHAR(36) NOT NULL,
	campaign_id VARCHAR(36),
	school_year INTEGER NOT NULL,
	term VARCHAR(8) NOT NULL,
	checked_on DATE NOT NULL,
	returned BOOLEAN NOT NULL,
	reason TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES student (id),
	FOREIGN KEY(campaign_id) REFERENCES campaign (id)
);

CREATE INDEX ix_return_check_student_id ON return_check (student_id);

CREATE TABLE visit (
	campaign_id VARCHAR(36),
	student_id VARCHAR(36) NOT NULL,
	household_id VARCHAR(36),
	school_id VARCHAR(36) NOT NULL,
	status VARCHAR(12) NOT NULL,
	visited_on DATE NOT NULL,
	visited_time VARCHAR(5),
	purpose VARCHAR(16),
	visitors JSON NOT NULL,
	present_persons TEXT,
	address VARCHAR(200),
	contact_phone VARCHAR(20),
	family_situation TEXT,
	attitude_to_school TEXT,
	behaviour TEXT,
	state_of_mind TEXT,
	policies JSON NOT NULL,
	hardships TEXT,
	help_given TEXT,
	parents_views TEXT,
	diagnosis TEXT,
	measures TEXT,
	follow_up_plan TEXT,
	follow_up_on DATE,
	remarks TEXT,
	amends_visit_id VARCHAR(36),
	finalized_at VARCHAR(32),
	finalized_by VARCHAR(36),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(campaign_id) REFERENCES campaign (id),
	FOREIGN KEY(student_id) REFERENCES student (id),
	FOREIGN KEY(household_id) REFERENCES household (id)
);

CREATE INDEX ix_visit_campaign_id ON visit (campaign_id);

CREATE INDEX ix_visit_student_id ON visit (student_id);

CREATE TABLE persuasion_attempt (
	case_id VARCHAR(36) NOT NULL,
	attempt_no INTEGER NOT NULL,
	attempted_on DATE NOT NULL,
	persuaders JSON NOT NULL,
	method VARCHAR(40),
	result TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(case_id) REFERENCES dropout_case (id)
);

CREATE INDEX ix_persuasion_attempt_case_id ON persuasion_attempt (case_id);

CREATE TABLE retention_follow_up (
	case_id VARCHAR(36) NOT NULL,
	followed_on DATE NOT NULL,
	in_school BOOLEAN NOT NULL,
	verifies_placement BOOLEAN NOT NULL,
	by_name VARCHAR(40),
	notes TEXT,
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(case_id) REFERENCES dropout_case (id)
);

CREATE INDEX ix_retention_follow_up_case_id ON retention_follow_up (case_id);

CREATE TABLE visit_attachment (
	visit_id VARCHAR(36) NOT NULL,
	kind VARCHAR(20) NOT NULL,
	blob_sha256 VARCHAR(64) NOT NULL,
	caption VARCHAR(200),
	id VARCHAR(36) NOT NULL,
	scope VARCHAR(36) NOT NULL,
	deleted BOOLEAN NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(visit_id) REFERENCES visit (id)
);

CREATE INDEX ix_visit_attachment_visit_id ON visit_attachment (visit_id);
"""


def upgrade(cur: Any) -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            cur.execute(statement)
