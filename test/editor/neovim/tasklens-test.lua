-- Drives the Tasklens language server from headless Neovim 0.7 (Debian's
-- `neovim`), the way a user's init.lua would start it, and writes what the
-- server answered to $TASKLENS_OUT as JSON for test/editor/neovim.test.mjs.
--
--   TASKLENS_SERVER  path of server/out/server.js
--   TASKLENS_ROOT    the workspace folder (a copy of examples/demo)
--   TASKLENS_OUT     where to write the JSON results
local server = assert(os.getenv('TASKLENS_SERVER'), 'TASKLENS_SERVER is not set')
local root = assert(os.getenv('TASKLENS_ROOT'), 'TASKLENS_ROOT is not set')
local out = assert(os.getenv('TASKLENS_OUT'), 'TASKLENS_OUT is not set')
local node = os.getenv('TASKLENS_NODE') or 'node'
local timeout = 30000

local results = { log = {} }
local published = {} -- uri -> the last LSP diagnostics published for it

local function note(message)
  table.insert(results.log, message)
end

local function write_results()
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(results))
  file:close()
end

local function run()
  -- This is all a user needs in their init.lua (with an autocmd to attach).
  local client_id = vim.lsp.start_client({
    name = 'tasklens',
    cmd = { node, server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'demo' } },
    settings = { tasklens = {} },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        published[result.uri] = result.diagnostics
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      end,
      ['window/logMessage'] = function(_, result)
        note('server: ' .. result.message)
      end,
    },
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  results.client_id = client_id

  local function open(relative)
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. relative))
    local bufnr = vim.api.nvim_get_current_buf()
    assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed for ' .. relative)
    return bufnr, vim.uri_from_bufnr(bufnr)
  end

  local function request(bufnr, method, params)
    local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
    assert(responses, method .. ': ' .. tostring(err))
    local response = responses[client_id]
    assert(response, method .. ': no response from the tasklens client')
    assert(not response.err, method .. ': ' .. vim.inspect(response.err))
    return response.result
  end

  -- Diagnostics: wait until the workspace index is in them (TL008 needs the tasks).
  local config_buf, config_uri = open('config.yaml')
  results.filetype = vim.bo[config_buf].filetype
  local function has_code(code)
    for _, d in ipairs(published[config_uri] or {}) do
      if d.code == code then return true end
    end
    return false
  end
  local ok = vim.wait(timeout, function() return has_code('TL004') and has_code('TL008') end, 50)
  results.diagnostics = published[config_uri] or {}
  results.diagnostics_complete = ok
  if not ok then
    local codes = {}
    for _, d in ipairs(results.diagnostics) do table.insert(codes, tostring(d.code)) end
    error(string.format('TL004 and TL008 never both arrived for %s (got: %s; server stopped: %s)',
      config_uri, table.concat(codes, ', '), tostring(vim.lsp.client_is_stopped(client_id))))
  end
  -- What Neovim made of them (vim.diagnostic), to show the client took them.
  results.nvim_diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(config_buf)) do
    table.insert(results.nvim_diagnostics, { lnum = d.lnum, col = d.col, message = d.message, severity = d.severity })
  end

  -- Hover on `max_retries` in the src.tasks.email.sendEmail section (line 10, 0-based 9).
  results.hover = request(config_buf, 'textDocument/hover', {
    textDocument = { uri = config_uri },
    position = { line = 9, character = 6 },
  })

  -- Completion on a new line in the src.tasks.billing.chargeCard section, typed
  -- through the buffer so that Neovim sends the change.
  vim.api.nvim_buf_set_lines(config_buf, 16, 16, false, { '    ' })
  results.completion = request(config_buf, 'textDocument/completion', {
    textDocument = { uri = config_uri },
    position = { line = 16, character = 4 },
  })

  -- The quick fix for `KEYS` (line 14), applied the way Neovim applies edits.
  local keys_diagnostics = {}
  for _, d in ipairs(published[config_uri] or {}) do
    if d.code == 'TL004' then table.insert(keys_diagnostics, d) end
  end
  local actions = request(config_buf, 'textDocument/codeAction', {
    textDocument = { uri = config_uri },
    range = keys_diagnostics[1] and keys_diagnostics[1].range or { start = { line = 13, character = 25 }, ['end'] = { line = 13, character = 29 } },
    context = { diagnostics = keys_diagnostics },
  })
  results.code_actions = actions
  for _, action in ipairs(actions or {}) do
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      results.applied_action = action.title
      break
    end
  end
  results.line14_after_fix = vim.api.nvim_buf_get_lines(config_buf, 13, 14, false)[1]
  results.tl004_cleared = vim.wait(timeout, function() return not has_code('TL004') end, 50)

  -- The TypeScript side: hover on the task name `sendEmail` (line 5, 0-based 4).
  local ts_buf, ts_uri = open('src/tasks/email.ts')
  results.ts_filetype = vim.bo[ts_buf].filetype
  results.ts_hover = request(ts_buf, 'textDocument/hover', {
    textDocument = { uri = ts_uri },
    position = { line = 4, character = 15 },
  })
end

-- Run once startup is over, when filetype detection is on (as in a user's session).
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  nested = true, -- so that :edit inside it runs the filetype autocommands
  callback = function()
    local ok, err = xpcall(run, debug.traceback)
    results.ok = ok
    if not ok then results.error = tostring(err) end
    write_results()
    -- Stop the server the way Neovim does on exit, then leave.
    vim.lsp.stop_client(vim.lsp.get_active_clients())
    vim.cmd(ok and 'qall!' or 'cquit!')
  end,
})
