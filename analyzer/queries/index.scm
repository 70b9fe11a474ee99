; One pass over each file collects every node kind the rules look at.
; Capture names are the node kinds; the index groups by them.
(function_declaration) @function_declaration
(method_declaration) @method_declaration
(func_literal) @func_literal
(for_statement) @for_statement
(call_expression) @call_expression
(assignment_statement) @assignment_statement
(short_var_declaration) @short_var_declaration
(var_declaration) @var_declaration
(type_declaration) @type_declaration
(field_declaration) @field_declaration
(composite_literal) @composite_literal
(unary_expression) @unary_expression
(return_statement) @return_statement
(go_statement) @go_statement
(defer_statement) @defer_statement
(send_statement) @send_statement
(import_spec) @import_spec
(comment) @comment
