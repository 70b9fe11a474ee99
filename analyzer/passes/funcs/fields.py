"""Field ids of the Go grammar, looked up once: `node.child_by_field_id(F_OPERAND)` skips the
name-to-id lookup `child_by_field_name("operand")` pays on every call (the pass makes ~1 M of them)."""

from __future__ import annotations

from ...parsing import GO

F_ALIAS = GO.field_id_for_name("alias")
F_ARGUMENTS = GO.field_id_for_name("arguments")
F_BODY = GO.field_id_for_name("body")
F_CHANNEL = GO.field_id_for_name("channel")
F_ELEMENT = GO.field_id_for_name("element")
F_FIELD = GO.field_id_for_name("field")
F_FUNCTION = GO.field_id_for_name("function")
F_INDEX = GO.field_id_for_name("index")
F_INITIALIZER = GO.field_id_for_name("initializer")
F_LEFT = GO.field_id_for_name("left")
F_NAME = GO.field_id_for_name("name")
F_OPERAND = GO.field_id_for_name("operand")
F_OPERATOR = GO.field_id_for_name("operator")
F_PACKAGE = GO.field_id_for_name("package")
F_PARAMETERS = GO.field_id_for_name("parameters")
F_PATH = GO.field_id_for_name("path")
F_RECEIVER = GO.field_id_for_name("receiver")
F_RESULT = GO.field_id_for_name("result")
F_RIGHT = GO.field_id_for_name("right")
F_TYPE = GO.field_id_for_name("type")
F_VALUE = GO.field_id_for_name("value")
F_ALTERNATIVE = GO.field_id_for_name("alternative")
F_CAPACITY = GO.field_id_for_name("capacity")
F_CONDITION = GO.field_id_for_name("condition")
F_CONSEQUENCE = GO.field_id_for_name("consequence")
F_END = GO.field_id_for_name("end")
F_START = GO.field_id_for_name("start")
F_UPDATE = GO.field_id_for_name("update")
