-- Driven by test_nvim.py: headless Neovim with editors/nvim opens a Go file, waits for
-- goperf's diagnostics, applies a quick fix through the client's code-action UI, writes
-- the file and reports what it saw as JSON. Environment: GOPERF_REPO, GOPERF_FILE,
-- GOPERF_OUT, GOPERF_PY.
local out = os.getenv("GOPERF_OUT")
local report = { steps = {} }

local function finish(code)
  local fh = io.open(out, "w")
  fh:write(vim.fn.json_encode(report))
  fh:close()
  vim.cmd((code == 0 and "qall!") or ("cquit " .. code))
end

local function step(name)
  table.insert(report.steps, name)
end

local function main()
  vim.opt.runtimepath:prepend(os.getenv("GOPERF_REPO") .. "/editors/nvim")
  local goperf = require("goperf")
  goperf.setup({
    cmd = { os.getenv("GOPERF_PY"), "-m", "goperf.lsp.cli", "--stdio" },
    settings = { enable = { "all" } },
  })
  step("setup")
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("GOPERF_FILE")))
  local buf = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[buf].filetype
  assert(vim.wait(20000, function() return goperf.client(buf) ~= nil end, 20), "no goperf client attached")
  step("attached")
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20), "no diagnostics")
  local diags = vim.diagnostic.get(buf)
  report.diagnostics = #diags
  report.sources = {}
  for _, d in ipairs(diags) do
    table.insert(report.sources, d.source .. ":" .. tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)))
  end
  step("diagnostics")

  -- Put the cursor on the first "preallocate" finding and pick its preferred fix in the UI.
  local target
  for _, d in ipairs(diags) do
    if d.message:find("preallocate") and (target == nil or d.lnum < target.lnum) then
      target = d
    end
  end
  assert(target, "no preallocate diagnostic")
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local chosen
  vim.ui.select = function(items, opts, on_choice)
    report.offered = {}
    for i, item in ipairs(items) do
      local action = item[2] or item.action or item
      table.insert(report.offered, action.title)
      if chosen == nil and action.title:find("^Preallocate") then
        chosen = i
      end
    end
    on_choice(items[chosen], chosen)
  end
  local before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local function prealloc_now()
    local n = 0
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.message:find("preallocate") then n = n + 1 end
    end
    return n
  end
  report.prealloc_initial = prealloc_now()
  vim.lsp.buf.code_action()
  assert(vim.wait(10000, function()
    return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") ~= table.concat(before, "\n")
  end, 20), "the quick fix did not change the buffer")
  step("fixed")
  report.fixed_line = vim.api.nvim_buf_get_lines(buf, target.lnum - 2, target.lnum + 1, false)
  vim.cmd("write")
  step("written")
  -- The server republishes for the new text: one prealloc/slice finding fewer.
  local function prealloc_count()
    local n = 0
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.message:find("preallocate") then
        n = n + 1
      end
    end
    return n
  end
  report.prealloc_before = report.prealloc_initial
  assert(vim.wait(10000, function() return prealloc_count() < report.prealloc_before end, 20),
    "diagnostics did not update after the fix")
  report.after = #vim.diagnostic.get(buf)
  step("republished")
  finish(0)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  report.error = err
  finish(3)
end
