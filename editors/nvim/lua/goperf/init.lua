-- goperf for Neovim: starts `goperf serve` for Go buffers.
--
--   require("goperf").setup{
--     cmd = { "goperf", "serve", "--stdio" },   -- or { "/path/to/venv/bin/goperf", "serve" }
--     settings = { enable = { "all" }, minSeverity = "hint", compiler = true },
--   }
--
-- Uses vim.lsp.start (Neovim 0.8+) and falls back to vim.lsp.start_client +
-- vim.lsp.buf_attach_client on Neovim 0.7 (Debian 12's version): one client per root.
local M = {}

M.defaults = {
  name = "goperf",
  cmd = { "goperf", "serve", "--stdio" },
  filetypes = { "go" },
  root_markers = { "go.work", "go.mod", ".git" },
  settings = {},          -- goperf settings: initializationOptions and workspace/configuration "goperf"
  on_attach = nil,        -- function(client, bufnr)
  capabilities = nil,     -- defaults to vim.lsp.protocol.make_client_capabilities()
  autostart = true,
}

M.config = vim.deepcopy(M.defaults)
M._clients = {}  -- root_dir -> client id (Neovim 0.7 path only)

local function find_root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return vim.loop.cwd()
  end
  local dir = vim.fn.fnamemodify(name, ":p:h")
  for _, marker in ipairs(M.config.root_markers) do
    local hit = vim.fn.findfile(marker, dir .. ";")
    if hit == "" then
      hit = vim.fn.finddir(marker, dir .. ";")
    end
    if hit ~= "" then
      return vim.fn.fnamemodify(hit, ":p:h"):gsub("/%.git/?$", ""):gsub("/$", "")
    end
  end
  return dir
end

local function client_config(root)
  local cfg = M.config
  return {
    name = cfg.name,
    cmd = cfg.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
    init_options = cfg.settings,
    settings = { goperf = cfg.settings },
    capabilities = cfg.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_attach = cfg.on_attach,
  }
end

--- Attach goperf to a buffer (called for every Go buffer once setup() ran).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local root = find_root(bufnr)
  if vim.lsp.start then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = M._clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      vim.notify("goperf: could not start " .. table.concat(M.config.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    M._clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The goperf client attached to a buffer, if any.
function M.client(bufnr)
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr or 0)) do
    if c.name == M.config.name then
      return c
    end
  end
  return nil
end

--- Apply every safe fix in the buffer (the `source.fixAll.goperf` code action).
function M.fix_all(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if client == nil then
    return false
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = { line = 0, character = 0 }, ["end"] = { line = last, character = 0 } },
    context = { diagnostics = {}, only = { "source.fixAll.goperf" } },
  }
  local resp = client.request_sync("textDocument/codeAction", params, 5000, bufnr)
  for _, action in ipairs((resp and resp.result) or {}) do
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
      return true
    end
  end
  return false
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  local group = vim.api.nvim_create_augroup("goperf", { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype) then
        M.attach(buf)
      end
    end
  end
  vim.api.nvim_create_user_command("GoperfFixAll", function()
    M.fix_all()
  end, { desc = "goperf: apply all safe fixes in this buffer" })
end

return M
