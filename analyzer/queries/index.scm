; One pass over each file collects the node kinds the rules iterate over.
; Capture names are the node kinds; the index groups by them. Context.nodes() finds any
; other kind (comments: only suppressions and fix vetting read them) with a query of its
; own when first asked: every capture here costs each file, read or not.
(function_declaration) @function_declaration
(method_declaration) @method_declaration
(func_literal) @func_literal
(for_statement) @for_statement
(call_expression) @call_expression
(assignment_statement) @assignment_statement
(short_var_declaration) @short_var_declaration
(var_declaration) @var_declaration
(field_declaration) @field_declaration
(composite_literal) @composite_literal
(return_statement) @return_statement
; what the scopes pass slices per top-level declaration (passes/scopes.py SCOPE_KINDS)
(const_declaration) @const_declaration
(range_clause) @range_clause
(type_switch_statement) @type_switch_statement
(receive_statement) @receive_statement
